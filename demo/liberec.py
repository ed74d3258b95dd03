"""The territory of the demo KMB: ORP Liberec and municipalities in it.

Populations are approximate (rounded, of the order the Czech Statistical Office publishes): good
enough for demo data and for the small-municipality protection of anonymised outputs. Only codes we
are sure of are filled in; the rest stay blank for the administrator to complete.
"""

ORP_NAME = "Liberec"

CSU_CODES = {"Liberec": "563889"}

# (name, approximate population)
MUNICIPALITIES = [
    ("Liberec", 104_800),
    ("Hrádek nad Nisou", 7_600),
    ("Chrastava", 6_300),
    ("Hodkovice nad Mohelkou", 2_900),
    ("Český Dub", 2_700),
    ("Stráž nad Nisou", 2_400),
    ("Šimonovice", 1_600),
    ("Mníšek", 1_400),
    ("Dlouhý Most", 1_300),
    ("Osečná", 1_200),
    ("Světlá pod Ještědem", 1_000),
    ("Chotyně", 1_000),
    ("Nová Ves", 900),
    ("Jeřmanice", 800),
    ("Bílá", 800),
    ("Rynoltice", 800),
    ("Oldřichov v Hájích", 700),
    ("Křižany", 700),
    ("Žibřidice", 400),
    ("Proseč pod Ještědem", 400),
    ("Zdislava", 350),
    ("Kryštofovo Údolí", 300),
    ("Hlavice", 250),
    ("Janův Důl", 250),
    ("Cetenov", 150),
]
