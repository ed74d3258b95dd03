"""The matching engine alone on generated data: 10,000 waiting households × 3,000 free flats in 30
municipalities of one district, with realistic rules.

Figures:
- matching.engine_s: rules + scores (`evaluate`) + the optimal assignment, median of 3 runs;
  matching.evaluate_s and matching.assign_s are its two parts.
- matching.speedup_vs_loop: a straightforward per-pair Python loop (the same rules and scores, one
  pair at a time) timed on 20,000 sampled pairs and extrapolated to all pairs, over `evaluate`.
  The loop's results are checked against `evaluate` on the sample.
- matching.optimal_over_greedy: total score of the optimal assignment / of first-come greedy.
- matching.peak_mb: the largest memory held during evaluate + assignment, by tracemalloc (NumPy
  arrays included; the solver's own C buffers are not traced, they are a few MB).

`generate` is reused by the end-to-end benchmark (data loaded through the database).
"""

import statistics
import time
import tracemalloc

import numpy as np

from housing.matching import engine
from housing.matching.engine import PROGRAMS

HOUSEHOLDS, FLATS, MUNICIPALITIES = 10_000, 3_000, 30
LOOP_SAMPLE = 20_000


def generate(
    n_households: int = HOUSEHOLDS,
    n_flats: int = FLATS,
    n_municipalities: int = MUNICIPALITIES,
    seed: int = 1,
):
    """(Households, Flats, MunicipalRules, Settings) of a district: municipality sizes fall off
    like a district town and its villages; household sizes, incomes with benefits, ETHOS and
    support needs as a KMB's register shows them; flats of 1–4 rooms in six programs."""
    rng = np.random.default_rng(seed)
    size = 1.0 / np.arange(1, n_municipalities + 1) ** 1.1
    size /= size.sum()
    households = _households(rng, n_households, n_municipalities, size)
    flats = _flats(rng, n_flats, n_municipalities, size)
    rules = _rules(rng, n_municipalities)
    declined = n_households // 50
    settings = engine.Settings(
        excluded_pairs=np.stack(
            [rng.integers(0, n_households, declined), rng.integers(0, n_flats, declined)], 1
        ),
        excluded_owner_pairs=np.stack(
            [
                rng.integers(0, n_households, declined // 2),
                flats.owner[rng.integers(0, n_flats, declined // 2)],
            ],
            1,
        ),
    )
    return households, flats, rules, settings


def _households(rng, n, m, size) -> engine.Households:
    persons = rng.choice(np.arange(1, 7), n, p=[0.38, 0.22, 0.17, 0.12, 0.07, 0.04])
    adults = np.minimum(persons, rng.choice([1, 2], n, p=[0.55, 0.45]))
    children = persons - adults
    benefits = rng.choice([0, 4_000, 7_000], n, p=[0.4, 0.35, 0.25])
    income = rng.lognormal(np.log(11_000), 0.35, n) * adults + 3_500 * children + benefits
    ethos_share = np.array([3, 5, 5, 12, 4, 3, 6, 5, 16, 14, 5, 6, 8, 8]) / 100
    residence = np.where(rng.random(n) < 0.85, rng.choice(m, n, p=size), -1)
    debt = np.zeros((n, m), np.float32)
    indebted = (rng.random(n) < 0.25) & (residence >= 0)
    debt[np.flatnonzero(indebted), residence[indebted]] = rng.lognormal(
        np.log(12_000), 1.0, indebted.sum()
    )
    preferred = np.zeros((n, m), bool)
    local = np.flatnonzero(residence >= 0)
    preferred[local, residence[local]] = True
    for _ in range(2):
        more = np.flatnonzero(rng.random(n) < 0.4)
        preferred[more, rng.choice(m, len(more), p=size)] = True
    return engine.Households(
        ids=np.arange(1, n + 1),
        persons=persons,
        children=children,
        income=income,
        ethos=rng.choice(14, n, p=ethos_share),
        support_need=rng.choice(4, n, p=[0.3, 0.3, 0.25, 0.15]),
        vulnerable=rng.random(n) < 0.2,
        emergency=rng.random(n) < 0.05,
        barrier_free=rng.random(n) < 0.05,
        residence=residence,
        municipal_debt=debt,
        valid_id=rng.random(n) < 0.9,
        landlord_consent=rng.random(n) < 0.75,
        has_provider=rng.random(n) < 0.35,
        waiting_days=np.minimum(rng.exponential(300, n), 2_000),
        preferred=preferred,
    )


def _flats(rng, n, m, size) -> engine.Flats:
    rooms = rng.choice(np.arange(1, 5), n, p=[0.35, 0.4, 0.2, 0.05])
    area = 16 + 17 * rooms + rng.normal(0, 5, n)
    program = rng.choice(len(PROGRAMS), n, p=[0.3, 0.08, 0.15, 0.05, 0.22, 0.2])
    municipality = rng.choice(m, n, p=size)
    guaranteed = program == PROGRAMS.index("guaranteed")
    rate = rng.uniform(70, 150, m)[municipality] * np.where(guaranteed, 1.3, 1.0)
    return engine.Flats(
        ids=np.arange(1, n + 1),
        municipality=municipality,
        rooms=rooms,
        area=area,
        rent=area * rate,
        charges=area * rng.uniform(25, 40, n),
        program=program,
        barrier_free=rng.random(n) < 0.1,
        owner=np.where(guaranteed, rng.integers(1, 300, n), 10_000 + municipality),
    )


def _rules(rng, m) -> engine.MunicipalRules:
    support_required = np.zeros((m, len(PROGRAMS)), bool)
    support_required[:, PROGRAMS.index("housing_first")] = True
    support_required[rng.random(m) < 0.2, PROGRAMS.index("social")] = True  # as Brno
    max_rent = np.full((m, len(PROGRAMS)), np.inf)
    max_rent[:, PROGRAMS.index("supported_municipal")] = rng.uniform(7_000, 11_000, m)
    return engine.MunicipalRules(
        require_residence=rng.random(m) < 0.75,  # most municipalities want their own residents
        max_debt=np.where(rng.random(m) < 0.3, 10_000, np.inf),  # as Liberec
        require_valid_id=rng.random(m) < 0.6,
        require_landlord_consent=rng.random(m) < 0.3,
        support_required=support_required,
        support_capacity=np.where(rng.random(m) < 0.2, 0, rng.integers(1, 30, m)),
        max_rent=max_rent,
    )


def run(report) -> None:
    problem = generate()
    evaluation = engine.evaluate(*problem)
    evaluate_s, assign_s = [], []
    for _ in range(3):
        start = time.perf_counter()
        evaluation = engine.evaluate(*problem)
        middle = time.perf_counter()
        optimal = engine.assign_optimal(evaluation)
        evaluate_s.append(middle - start)
        assign_s.append(time.perf_counter() - middle)
    total_s = [a + b for a, b in zip(evaluate_s, assign_s, strict=False)]
    report("matching.engine_s", statistics.median(total_s), "s")
    report("matching.evaluate_s", statistics.median(evaluate_s), "s")
    report("matching.assign_s", statistics.median(assign_s), "s")
    report("matching.eligible_share", float(evaluation.eligible.mean()), "of pairs")
    loop_s = _loop_seconds(problem, evaluation)
    report("matching.speedup_vs_loop", loop_s / statistics.median(evaluate_s), "x")
    greedy = engine.assign_greedy(evaluation, problem[0])
    report("matching.optimal_over_greedy", optimal.total / greedy.total, "x")
    report("matching.housed_optimal", len(optimal), "households")
    report("matching.housed_greedy", len(greedy), "households")
    del evaluation
    report("matching.peak_mb", _peak_mb(problem), "MB")


def _peak_mb(problem) -> float:
    tracemalloc.start()
    engine.assign_optimal(engine.evaluate(*problem))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _loop_seconds(problem, evaluation) -> float:
    """Seconds a per-pair Python loop would need for all pairs, from a timed sample."""
    households, flats, _, _ = problem
    rng = np.random.default_rng(7)
    pairs = list(
        zip(
            rng.integers(0, len(households), LOOP_SAMPLE).tolist(),
            rng.integers(0, len(flats), LOOP_SAMPLE).tolist(),
            strict=False,
        )
    )
    data = _plain(problem)
    start = time.perf_counter()
    results = [_pair(data, h, f) for h, f in pairs]
    elapsed = time.perf_counter() - start
    for (h, f), (eligible, score) in zip(pairs, results, strict=False):
        assert eligible == evaluation.eligible[h, f], (h, f)
        # The engine keeps scores to hundredths.
        assert not eligible or abs(score - evaluation.score[h, f]) <= 0.005 + 1e-6, (h, f)
    return elapsed / LOOP_SAMPLE * len(households) * len(flats)


def _plain(problem) -> dict:
    """The problem as Python lists and sets, as a loop over model objects would see it."""
    households, flats, rules, settings = problem
    data = {name: getattr(households, name).tolist() for name in engine._HOUSEHOLD_DTYPES}
    data |= {f"flat_{name}": getattr(flats, name).tolist() for name in engine._FLAT_DTYPES}
    data |= {f"rule_{name}": getattr(rules, name).tolist() for name in engine._RULE_DTYPES}
    data["settings"] = settings
    data["excluded"] = set(map(tuple, settings.excluded_pairs.tolist()))
    data["excluded_owners"] = set(map(tuple, settings.excluded_owner_pairs.tolist()))
    data["urgency"] = settings.urgency_by_ethos.tolist()
    return data


def _pair(d, h, f):
    s = d["settings"]
    persons, rooms, area = d["persons"][h], d["flat_rooms"][f], d["flat_area"][f]
    m, program = d["flat_municipality"][f], PROGRAMS[d["flat_program"][f]]
    rent = d["flat_rent"][f]
    cost = rent + d["flat_charges"][f]
    ethos, need = d["ethos"][h], d["support_need"][h]
    eligible = (
        persons <= s.max_persons_per_room * rooms
        and persons * s.min_area_per_person <= area
        and rooms <= persons + s.max_spare_rooms
        and cost <= s.max_housing_cost_share * d["income"][h]
        and not (
            program == "housing_first"
            and not (ethos in s.housing_first_ethos and need >= s.housing_first_support_need)
        )
        and not (program == "crisis" and not (d["emergency"][h] or ethos in s.crisis_ethos))
        and not (d["barrier_free"][h] and not d["flat_barrier_free"][f])
        and (h, f) not in d["excluded"]
        and (h, d["flat_owner"][f]) not in d["excluded_owners"]
        and not (d["rule_require_residence"][m] and d["residence"][h] != m)
        and d["municipal_debt"][h][m] <= d["rule_max_debt"][m]
        and not (d["rule_require_valid_id"][m] and not d["valid_id"][h])
        and not (d["rule_require_landlord_consent"][m] and not d["landlord_consent"][h])
        and not (
            d["rule_support_required"][m][d["flat_program"][f]]
            and d["rule_support_capacity"][m] <= 0
            and not d["has_provider"][h]
        )
        and rent <= d["rule_max_rent"][m][d["flat_program"][f]]
    )
    if not eligible:
        return False, 0.0
    w = s.weights
    ideal = min(max(-(-(persons + 1) // 2), -(-persons // s.max_persons_per_room)), persons + 1)
    support = 1.0 if d["has_provider"][h] else 0.5 if d["rule_support_capacity"][m] > 0 else 0.0
    score = (
        w["urgency"] * d["urgency"][ethos]
        + w["children"] * min(d["children"][h], 3) / 3
        + w["waiting"] * min(d["waiting_days"][h] / 730, 1)
        + w["vulnerability"] * d["vulnerable"][h]
        + w["preference"] * d["preferred"][h][m]
        + w["size_fit"] * max(1 - 0.5 * abs(rooms - ideal), 0)
        + w["support"] * support
    )
    return True, score


if __name__ == "__main__":

    def _print(name, value, unit):
        print(
            f"{name}: {value:.2f} {unit}" if isinstance(value, float) else f"{name}: {value} {unit}"
        )

    run(_print)
