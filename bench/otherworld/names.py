"""Name pools of the outside evaluator's world, written by hand (not vetline's tables).

Why hand-written: the point of this world is that nothing in it comes from
``vetline.synth``. The pools are small on purpose: small pools give many people the same
name, which is the population the look-alike constructions need. Each group has its own
given names by sex, surnames and the countries its members are born in; the variant maps
give nicknames, transliterations and accent-less spellings the way clerks write them.

Edit here: add a group (names + countries) or a variant; weights are in ``GROUPS``.
"""

from __future__ import annotations

from typing import Final

Names = tuple[str, ...]

# fmt: off
#: group -> (share of people, birth countries abroad, male names, female names, surnames)
GROUPS: Final[dict[str, tuple[float, Names, Names, Names, Names]]] = {
    "hispanic": (
        0.42,
        ("MX", "MX", "MX", "MX", "GT", "SV", "HN", "DO", "CO", "EC", "PE", "CU", "VE", "NI"),
        ("JOSE", "JUAN", "LUIS", "CARLOS", "JESUS", "MIGUEL", "FRANCISCO", "ANTONIO", "JORGE",
         "PEDRO", "RICARDO", "ALEJANDRO", "MANUEL", "RAFAEL", "JAVIER", "FERNANDO", "SERGIO",
         "EDUARDO", "ROBERTO", "MARIO", "OSCAR", "HECTOR", "RAUL", "ARTURO", "ENRIQUE",
         "GUSTAVO", "JOSE LUIS", "JUAN CARLOS", "VICTOR", "ALBERTO", "IGNACIO", "RAMON"),
        ("MARIA", "GUADALUPE", "JUANA", "ROSA", "ANA", "CARMEN", "LETICIA", "VERONICA",
         "ELIZABETH", "PATRICIA", "ALEJANDRA", "GABRIELA", "SILVIA", "ADRIANA", "LAURA",
         "MARTHA", "LUCIA", "ISABEL", "YESENIA", "MARIA GUADALUPE", "BLANCA", "CLAUDIA",
         "DOLORES", "ESPERANZA", "TERESA", "SOFIA"),
        ("GARCIA", "HERNANDEZ", "MARTINEZ", "LOPEZ", "GONZALEZ", "RODRIGUEZ", "PEREZ",
         "SANCHEZ", "RAMIREZ", "FLORES", "CRUZ", "GOMEZ", "DIAZ", "REYES", "MORALES",
         "JIMENEZ", "RUIZ", "ALVAREZ", "MENDOZA", "CASTILLO", "ROMERO", "VARGAS", "HERRERA",
         "MEDINA", "AGUILAR", "GUTIERREZ", "CHAVEZ", "RAMOS", "ORTIZ", "CASTRO", "VASQUEZ",
         "NUÑEZ", "MUÑOZ", "PEÑA", "IBAÑEZ", "BRISEÑO", "SALAZAR", "ESPINOZA", "VALENCIA",
         "ZAMORA", "DE LA CRUZ", "DEL RIO", "CERVANTES", "OCHOA", "FUENTES", "CAMACHO",
         "QUINTERO", "VILLANUEVA", "ARREOLA", "BAUTISTA", "ESTRADA", "SOLIS", "ROSALES"),
    ),
    "anglo": (
        0.28,
        ("GB", "CA", "IE", "AU", "JM", "TT", "NG", "GH"),
        ("JAMES", "JOHN", "ROBERT", "MICHAEL", "WILLIAM", "DAVID", "RICHARD", "JOSEPH",
         "THOMAS", "CHARLES", "CHRISTOPHER", "DANIEL", "MATTHEW", "ANTHONY", "MARK",
         "STEVEN", "ANDREW", "JOSHUA", "KENNETH", "KEVIN", "BRIAN", "TIMOTHY", "RONALD",
         "EDWARD", "JASON", "JEFFREY", "GARY", "NICHOLAS", "ERIC", "JONATHAN", "TYRONE",
         "DARNELL"),
        ("MARY", "PATRICIA", "JENNIFER", "LINDA", "BARBARA", "ELIZABETH", "SUSAN", "JESSICA",
         "SARAH", "KAREN", "NANCY", "MARGARET", "LISA", "BETTY", "DOROTHY", "SANDRA",
         "ASHLEY", "KIMBERLY", "DONNA", "EMILY", "MICHELLE", "CAROL", "AMANDA", "MELISSA",
         "DEBORAH", "STEPHANIE", "REBECCA", "LAURA", "KATHERINE", "LATOYA"),
        ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "WILSON",
         "ANDERSON", "TAYLOR", "THOMAS", "MOORE", "JACKSON", "MARTIN", "LEE", "THOMPSON",
         "WHITE", "HARRIS", "CLARK", "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING",
         "WRIGHT", "SCOTT", "GREEN", "BAKER", "ADAMS", "NELSON", "HILL", "CAMPBELL",
         "MITCHELL", "ROBERTS", "CARTER", "PHILLIPS", "EVANS", "TURNER", "O'BRIEN",
         "O'CONNOR", "MCDONALD", "WASHINGTON", "JEFFERSON", "BROOKS", "OKAFOR", "MENSAH"),
    ),
    "asian": (
        0.12,
        ("CN", "VN", "PH", "KR", "IN", "IN", "PK", "BD"),
        ("WEI", "JIAN", "MING", "HAO", "NGUYEN VAN", "MINH", "DUC", "TUAN", "JOSE", "MARK",
         "JUN", "MIN JUN", "JI HOON", "RAJ", "RAHUL", "AMIT", "SANJAY", "VIKRAM", "ARJUN",
         "IMRAN", "FAHIM"),
        ("LI", "XIU YING", "MEI", "LAN", "THI HOA", "LINH", "MAI", "MARIA CRISTINA",
         "JOCELYN", "SEO YEON", "JI WOO", "PRIYA", "ANJALI", "SUNITA", "POOJA", "FATIMA",
         "NASRIN"),
        ("WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU",
         "NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "SANTOS", "REYES", "BAUTISTA", "DELA CRUZ",
         "KIM", "PARK", "CHOI", "JUNG", "PATEL", "SHAH", "SINGH", "KUMAR", "SHARMA", "KHAN",
         "RAHMAN", "HOSSAIN"),
    ),
    "eastern": (
        0.10,
        ("UA", "RU", "PL", "RO", "SY", "EG", "IQ", "SO", "ET", "AF"),
        ("ALEKSANDR", "SERGEI", "DMITRI", "ANDRII", "YURIY", "PIOTR", "TOMASZ", "ION",
         "MOHAMMED", "AHMED", "MUSTAFA", "OMAR", "HASSAN", "YUSUF", "ABDI", "TESFAYE",
         "AHMAD"),
        ("OLGA", "NATALIA", "TATIANA", "OKSANA", "IRINA", "AGNIESZKA", "ELENA", "FATIMA",
         "AISHA", "MARYAM", "LAYLA", "HODAN", "TIGIST", "ZAINAB"),
        ("IVANOV", "PETROV", "KOVALENKO", "SHEVCHENKO", "BONDARENKO", "NOWAK", "KOWALSKI",
         "POPESCU", "IONESCU", "AL-HASSAN", "AL-AHMAD", "HUSSEIN", "IBRAHIM", "ABDULLAH",
         "MOHAMED", "ALI", "OSMAN", "HAILE", "TADESSE", "AHMADZAI", "KARIMI"),
    ),
    "other": (
        0.08,
        ("HT", "BR", "FR", "DE", "IT", "NG", "KE", "IR"),
        ("JEAN", "PIERRE", "JOAO", "PAULO", "LUCAS", "HANS", "MARCO", "GIUSEPPE", "CHIDI",
         "EMEKA", "DARIUS", "REZA"),
        ("MARIE", "ROSELINE", "ANA PAULA", "FERNANDA", "ANNA", "GIULIA", "CHIAMAKA",
         "NGOZI", "SHIRIN", "MAHSA"),
        ("JOSEPH", "PIERRE", "JEAN-BAPTISTE", "SILVA", "SOUZA", "OLIVEIRA", "MULLER",
         "SCHMIDT", "ROSSI", "RUSSO", "EZE", "OKONKWO", "MWANGI", "OTIENO", "HOSSEINI",
         "MOHAMMADI"),
    ),
}

#: A group's chance that a person's surname is double (Hispanic paternal + maternal).
DOUBLE_SURNAME: Final[dict[str, float]] = {"hispanic": 0.55, "other": 0.05}

#: Nicknames and short forms a booking officer writes instead of the given name.
NICKNAMES: Final[dict[str, tuple[str, ...]]] = {
    "WILLIAM": ("BILL", "WILL", "BILLY"), "ROBERT": ("BOB", "ROB", "BOBBY"),
    "RICHARD": ("RICK", "DICK", "RICH"), "JAMES": ("JIM", "JIMMY"), "JOHN": ("JACK", "JOHNNY"),
    "MICHAEL": ("MIKE",), "JOSEPH": ("JOE",), "THOMAS": ("TOM", "TOMMY"),
    "CHRISTOPHER": ("CHRIS",), "DANIEL": ("DAN", "DANNY"), "ANTHONY": ("TONY",),
    "EDWARD": ("ED", "EDDIE"), "KENNETH": ("KEN",), "TIMOTHY": ("TIM",), "NICHOLAS": ("NICK",),
    "ELIZABETH": ("LIZ", "BETH", "BETTY"), "PATRICIA": ("PAT", "PATTY"),
    "JENNIFER": ("JENNY", "JEN"), "MARGARET": ("PEGGY", "MAGGIE"), "KATHERINE": ("KATE", "KATHY"),
    "REBECCA": ("BECKY",), "DEBORAH": ("DEBBIE",), "JOSE": ("PEPE", "CHEPE"),
    "FRANCISCO": ("PACO", "PANCHO"), "JESUS": ("CHUY",), "IGNACIO": ("NACHO",),
    "GUADALUPE": ("LUPE",), "ALEJANDRO": ("ALEX",), "ALEKSANDR": ("SASHA", "ALEX"),
    "ENRIQUE": ("KIKE",), "EDUARDO": ("LALO",), "DOLORES": ("LOLA",), "ROBERTO": ("BETO",),
    "JOSE LUIS": ("JOSE",), "JUAN CARLOS": ("JUAN",), "MARIA GUADALUPE": ("MARIA", "LUPE"),
}

#: Spellings of the same name across transliteration systems and clerks.
TRANSLIT: Final[dict[str, tuple[str, ...]]] = {
    "MOHAMMED": ("MUHAMMAD", "MOHAMED", "MOHAMMAD"), "AHMED": ("AHMAD", "AHMET"),
    "AHMAD": ("AHMED",), "YUSUF": ("YOUSEF", "YOUSSEF"), "HASSAN": ("HASAN",),
    "OMAR": ("UMAR",), "MUSTAFA": ("MOSTAFA",), "ALEKSANDR": ("ALEXANDER", "OLEKSANDR"),
    "SERGEI": ("SERGEY", "SERHII"), "DMITRI": ("DMITRIY", "DMYTRO"), "YURIY": ("YURI", "IURII"),
    "ANDRII": ("ANDRIY", "ANDREI"), "NATALIA": ("NATALYA", "NATALIYA"),
    "TATIANA": ("TATYANA",), "OKSANA": ("AKSANA",), "IVANOV": ("IVANOFF",),
    "KOVALENKO": ("KOVALENKA",), "AL-HASSAN": ("ALHASSAN", "EL HASSAN"),
    "AL-AHMAD": ("ALAHMAD",), "HUSSEIN": ("HUSSAIN", "HOSSEIN"), "MOHAMED": ("MOHAMMED",),
    "ABDULLAH": ("ABDALLA",), "ZHANG": ("CHANG",), "ZHOU": ("CHOU",), "CHEN": ("CHAN",),
    "HUANG": ("WONG",), "NGUYEN": ("NGUYEN", "NGUEN"), "JUNG": ("CHUNG",), "CHOI": ("CHOY",),
    "HOSSAIN": ("HOSSEN", "HUSSAIN"), "MOHAMMADI": ("MOHAMADI",),
}
# fmt: on
