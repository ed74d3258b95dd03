"""Czech texts of the demo support network: what households are referred for, what providers
answer, goals and steps of assistance plans, reviews and visit reports. None names a person or a
place more precisely than a provider's staff would write in a report the KMB may read."""

from providers.models import CooperationEndReason, GoalArea, StepOwner, VisitKind

# What the household needs, by service key (the provider reads it).
REFERRAL_REASONS = {
    "dpj_hf": [
        "Housing First: domácnost se stěhuje do bytu programu, potřebuje podporu v bydlení "
        "nejméně 2 hodiny týdně (rozpočet, platby, vztahy se sousedy).",
        "Po dlouhé době bez domova zabydlení v bytě, pomoc s vybavením a s pravidelnými platbami.",
    ],
    "cvt_independent": [
        "Podpora samostatného bydlení po nastěhování: hospodaření s penězi, úřady, platby "
        "nájemného a záloh.",
        "Podpora v bydlení, domácnost se učí platit nájem a služby včas.",
    ],
    "diakonie_independent": [
        "Podpora samostatného bydlení v obci, pomoc s úřady a s rozpočtem domácnosti.",
    ],
    "nisa_debts": [
        "Dluhy na nájemném a u energetické společnosti, exekuce; sestavit přehled a jednat o "
        "splátkách.",
        "Zvažuje oddlužení, potřebuje posoudit, zda splní podmínky.",
    ],
    "cvt_debts": [
        "Dluhy po splatnosti, hrozí výpověď z nájmu; jednání s věřiteli o splátkovém kalendáři.",
    ],
    "legal": [
        "Výpověď z nájmu, posoudit její platnost a lhůty.",
        "Žaloba na vyklizení, potřebuje zastoupení u soudu.",
    ],
    "nadeje_shelter": ["Přespává venku, potřebuje nocleh na zimní měsíce."],
    "nadeje_day": ["Hygiena, strava a praní prádla; kontakt s terénním pracovníkem."],
    "nadeje_field": ["Terénní práce v místě pobytu, udržet kontakt a doprovázet na úřady."],
    "dpj_mothers": ["Matka s dětmi po odchodu od násilného partnera potřebuje ubytování."],
    "dpj_halfway": ["Odchod z dětského domova, potřebuje bydlení s podporou do 26 let."],
    "cvt_families": ["Rodina s dětmi, pomoc se školní docházkou a s péčí o domácnost."],
    "diakonie_rehab": ["Po hospitalizaci nácvik samostatnosti, doprovod k lékaři a na úřady."],
    "diakonie_sheltered": ["Potřebuje dlouhodobě bydlení s podporou, samostatně nezvládá."],
    "charita_asylum": ["Po ztrátě bydlení potřebuje ubytování s podporou, než najde nájem."],
    "charita_crisis": ["Akutní krize po ztrátě bydlení, potřebuje okamžitou pomoc."],
    "charita_furniture": ["Nově zabydlená domácnost, chybí postele a kuchyňská linka."],
    "food": ["Domácnost do výplaty dávky nemá na jídlo, potravinová pomoc na 2 měsíce."],
    "foundation": ["Příspěvek na jistotu k nájemní smlouvě a na základní vybavení bytu."],
}
ACCEPTED_ANSWERS = [
    "Přijato, první schůzka domluvena.",
    "Přijato, klíčová pracovnice přidělena.",
    "Přijato, zahájení po podpisu smlouvy o poskytování služby.",
]
REFUSED_ANSWERS = {
    "full": "Kapacita služby je naplněna, domácnost zařazena do pořadníku.",
    "terms": "Domácnost nesplňuje podmínky služby (cílová skupina).",
    "area": "Domácnost bydlí mimo území, které služba pokrývá.",
    "grant": "Správní rada žádost tentokrát nepodpořila, lze podat znovu za 3 měsíce.",
}
END_NOTES = {
    CooperationEndReason.GOALS_MET: "Cíle plánu splněny, domácnost bydlí samostatně.",
    CooperationEndReason.CLIENT_ENDED: "Klient spolupráci ukončil, podporu už nechce.",
    CooperationEndReason.NO_CONTACT: (
        "Tři domluvené návštěvy se nekonaly, klient nereaguje na telefon ani na dopis."
    ),
    CooperationEndReason.MOVED_AWAY: "Domácnost se odstěhovala mimo území služby.",
    CooperationEndReason.HANDED_OVER: "Předáno terénnímu programu v místě nového bydliště.",
    CooperationEndReason.BREACH: "Opakovaně porušena pravidla služby.",
}

# Goals by area: (goal, [(step, who)]). C client, M case manager, P provider.
C, M, P = StepOwner.CLIENT, StepOwner.CASE_MANAGER, StepOwner.PROVIDER
GOALS = {
    GoalArea.HOUSING: [
        (
            "Platit nájemné a zálohy na služby včas",
            [("Zřídit trvalý příkaz na nájemné", C), ("Kontrolovat platby každý měsíc", P)],
        ),
        (
            "Zabydlet se a vybavit byt",
            [
                ("Požádat nábytkovou banku o postel a stůl", M),
                ("Přepsat elektřinu a plyn na sebe", C),
                ("Nakoupit základní vybavení kuchyně", P),
            ],
        ),
        (
            "Dobře vycházet se sousedy a dodržovat domovní řád",
            [("Seznámit se s domovním řádem", C), ("Domluvit úklidový rozpis s domem", P)],
        ),
    ],
    GoalArea.MONEY: [
        (
            "Sestavit a dodržovat rozpočet domácnosti",
            [("Vést si přehled příjmů a výdajů", C), ("Projít rozpočet jednou za měsíc", P)],
        ),
        (
            "Splácet dluh podle splátkového kalendáře",
            [
                ("Domluvit splátkový kalendář s věřitelem", M),
                ("Platit splátky vždy do 15. dne v měsíci", C),
            ],
        ),
        (
            "Požádat o oddlužení",
            [("Sehnat výpisy z registrů dlužníků", C), ("Sepsat insolvenční návrh", P)],
        ),
    ],
    GoalArea.WORK: [
        (
            "Najít stálou práci",
            [("Zaevidovat se na úřadu práce", C), ("Připravit životopis", P)],
        ),
        (
            "Zajistit stálý příjem z dávek",
            [("Podat žádost o DSSP", M), ("Doložit úřadu práce výši nájemného", C)],
        ),
    ],
    GoalArea.HEALTH: [
        (
            "Zaregistrovat se u praktického lékaře",
            [("Najít lékaře, který přijímá nové pacienty", P), ("Jít na vstupní prohlídku", C)],
        ),
        (
            "Chodit pravidelně na kontroly a brát léky",
            [("Doprovodit na kontrolu k odbornému lékaři", P)],
        ),
    ],
    GoalArea.FAMILY: [
        (
            "Zajistit pravidelnou školní docházku dětí",
            [("Domluvit se se třídní učitelkou", C), ("Přihlásit dítě do školní družiny", P)],
        ),
        (
            "Přihlásit nejmladší dítě do mateřské školy",
            [("Podat přihlášku do mateřské školy", C)],
        ),
    ],
    GoalArea.DOCUMENTS: [
        (
            "Vyřídit nový občanský průkaz",
            [("Zajít na matriku pro rodný list", C), ("Podat žádost o občanský průkaz", C)],
        ),
    ],
    GoalArea.RELATIONSHIPS: [
        (
            "Obnovit kontakt s rodinou",
            [("Domluvit setkání s dcerou za účasti pracovnice", P)],
        ),
    ],
}
REVIEW_SUMMARIES = [
    "Plán pokračuje, platby nájemného jsou v pořádku. Další cíl: rozpočet domácnosti.",
    "Klient zvládá platby sám, četnost návštěv ponechána. Doplněn cíl v oblasti práce.",
    "Dluh na zálohách uhrazen, splátkový kalendář se dodržuje. Plán beze změn.",
    "Domácnost se zabydlela, vybavení bytu dokončeno. Další kontrola za tři měsíce.",
]
TRIPARTITE_SUMMARIES = [
    "Trojstranná schůzka s pronajímatelem: nájem placen včas, pronajímatel spokojen, "
    "domluveno prodloužení smlouvy o 12 měsíců.",
    "Trojstranná schůzka: řešeny stížnosti sousedů na hluk, klient slíbil nápravu, "
    "poskytovatel zvýší četnost návštěv na měsíc.",
    "Trojstranná schůzka: pronajímatel opraví topení, klient uhradí nedoplatek na vodě ve "
    "třech splátkách.",
]
LANDLORD_NOTES = {
    "municipal": "zástupce odboru správy bytů",
    "guaranteed": "vlastník bytu",
    "ngo_sublet": "zástupce nájemce bytu (podnájem)",
}
# Visit reports by kind.
PROGRESS = {
    VisitKind.HOME_VISIT: [
        "Kontrola plateb nájemného a záloh, vše uhrazeno.",
        "Společně jsme prošli poštu a vyúčtování služeb.",
        "Úklid a péče o domácnost v pořádku, domluven další týden.",
        "Probrali jsme rozpočet na další měsíc, klient si vede přehled výdajů.",
        "Sousedé si stěžovali na hluk, domluvena pravidla návštěv.",
        "Pomoc s přihláškou do mateřské školy.",
        "Klient nebyl doma, domluvena náhradní návštěva.",
    ],
    VisitKind.PHONE: [
        "Telefonicky: připomenuta schůzka na úřadu práce.",
        "Telefonicky: klient hlásí, že nájem zaplatil.",
        "Telefonicky ověřeno, že dávka byla vyplacena.",
    ],
    VisitKind.ACCOMPANIMENT: [
        "Doprovod na úřad práce kvůli DSSP.",
        "Doprovod k praktickému lékaři na vstupní prohlídku.",
        "Doprovod na jednání s exekutorským úřadem o splátkách.",
    ],
    VisitKind.OFFICE: [
        "Konzultace v poradně: přehled dluhů aktualizován.",
        "Sepsána žádost o splátkový kalendář.",
    ],
}
PAUSE_NOTE = "Klient je v nemocnici, podpora přerušena do propuštění."
