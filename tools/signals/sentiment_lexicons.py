"""Small German, Spanish and French sentiment lexicons for support messages.

Written for supportgraph (not translated from VADER): evaluative words customers use
about a product or service, with valences on VADER's -4..4 scale, whole-word stems
matched by prefix, multi-word phrases matched as substrings, negations and intensifiers.
Problem words ("Problem", "Fehler", "error") carry no valence: every ticket reports a
problem, and reporting one politely is neutral.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lexicon:
    """Valences for one language.

    Attributes:
        stems: Word prefix → valence (a word matches its longest listed prefix).
        phrases: Multi-word expression → valence, matched anywhere in the lowered text.
        negations: Words that flip the valence of the next three words.
        intensifiers: Words that multiply the valence of the next three words by 1.5.
        contrasts: Words after which the clause counts more ("but").
        voids: Words after which the rest of the clause states no feeling: "ohne dass
            unsere Zapier-Verbindung kaputtgeht" (without it breaking) asks how to avoid
            a harm, as "without breaking" does for VADER.
        ignore: Greetings and thanks removed before scoring ("Guten Tag" is no praise).
    """

    stems: dict[str, float]
    phrases: dict[str, float] = field(default_factory=dict)
    negations: frozenset[str] = frozenset()
    intensifiers: frozenset[str] = frozenset()
    contrasts: frozenset[str] = frozenset()
    voids: frozenset[str] = frozenset()
    ignore: tuple[str, ...] = ()

    def valence(self, word: str) -> float:
        """Valence of ``word`` from its longest matching stem, 0 when none matches."""
        for end in range(len(word), 2, -1):
            if (value := self.stems.get(word[:end])) is not None:
                return value
        return 0.0


GERMAN = Lexicon(
    stems={
        "toll": 2.5,
        "super": 2.5,
        "großartig": 3.0,
        "ausgezeichnet": 3.0,
        "hervorragend": 3.0,
        "perfekt": 3.0,
        "zufrieden": 2.0,
        "begeistert": 3.0,
        "gut": 1.5,
        "prima": 2.0,
        "klasse": 2.5,
        "freundlich": 1.5,
        "schnell": 1.0,
        "gelöst": 1.5,
        "danke": 0.0,
        "inakzeptabel": -3.0,
        "unakzeptabel": -3.0,
        "verärgert": -3.0,
        "wütend": -3.5,
        "enttäuscht": -2.5,
        "enttäuschend": -2.5,
        "katastroph": -3.0,
        "frustrier": -2.5,
        "ärgerlich": -2.5,
        "unzufrieden": -2.5,
        "schlecht": -2.0,
        "schrecklich": -3.0,
        "furchtbar": -3.0,
        "nutzlos": -2.5,
        "unverschämt": -3.0,
        "kaputt": -2.0,
        "leider": -0.8,
        "ständig": -0.8,
        "langsam": -1.0,
        "unbrauchbar": -2.5,
    },
    phrases={
        "funktioniert nicht": -1.5,
        "funktioniert nichts": -2.0,
        "stürzt": -1.5,
        "bricht ab": -1.0,
        "bricht oft ab": -1.5,
        "niemand antwortet": -2.0,
        "doppelt abgebucht": -1.5,
        "immer noch": -1.0,
        # Repeated contact and lost patience: how a customer says the last answer failed.
        "zum dritten mal": -2.5,
        "zum vierten mal": -2.5,
        "zum x-ten mal": -2.5,
        "dritte anfrage": -2.5,
        "dritte nachricht": -2.5,
        "dritte e-mail": -2.5,
        "jetzt reicht": -2.5,
        "es reicht": -2.0,
        "so geht es nicht weiter": -2.5,
        "keine antwort": -1.5,
        "anderen anbieter": -2.0,
        "eine frechheit": -3.0,
        "eine zumutung": -3.0,
        "hat nichts gebracht": -2.0,
        "bringt nichts": -2.0,
    },
    negations=frozenset({"nicht", "kein", "keine", "keinen", "keiner", "nie", "niemals", "nichts"}),
    intensifiers=frozenset({"sehr", "absolut", "extrem", "wirklich", "total", "völlig", "äußerst"}),
    contrasts=frozenset({"aber", "jedoch", "allerdings", "trotzdem"}),
    voids=frozenset({"ohne"}),
    ignore=(
        "guten tag",
        "guten morgen",
        "guten abend",
        "vielen dank",
        "danke schön",
        "mit freundlichen grüßen",
    ),
)

SPANISH = Lexicon(
    stems={
        "excelente": 3.0,
        "genial": 2.5,
        "fantástic": 3.0,
        "perfect": 3.0,
        "encanta": 3.0,
        "satisfech": 2.0,
        "content": 2.0,
        "buen": 1.5,
        "rápid": 1.0,
        "fácil": 1.0,
        "amable": 1.5,
        "resuelt": 1.5,
        "estupend": 2.5,
        "maravillos": 3.0,
        "inaceptable": -3.0,
        "enfadad": -3.0,
        "enojad": -3.0,
        "furios": -3.5,
        "decepcion": -2.5,
        "desastre": -3.0,
        "frustrante": -2.5,
        "frustrad": -2.5,
        "pésim": -3.0,
        "terrible": -3.0,
        "horrible": -3.0,
        "malo": -2.0,
        "mala": -2.0,
        "inútil": -2.5,
        "lament": -0.8,
        "lent": -1.0,
        "molest": -2.0,
        "harto": -2.5,
    },
    phrases={
        "no funciona": -1.5,
        "sin poder": -1.0,
        "nadie responde": -2.0,
        "dos veces": -1.0,
        "sigue sin": -1.5,
        "tercera vez": -2.5,
        "cuarta vez": -2.5,
        "quinta vez": -2.5,
        "sin respuesta": -2.0,
        "ya basta": -2.5,
        "otro proveedor": -2.0,
        "una vergüenza": -3.0,
        "es vergonzoso": -3.0,
        "no ha servido para nada": -2.5,
        "no sirve para nada": -2.5,
        "no sirvió para nada": -2.5,
    },
    negations=frozenset(
        {"no", "nunca", "jamás", "ningún", "ninguna", "ninguno", "sin", "nada", "ni"}
    ),
    intensifiers=frozenset(
        {"muy", "absolutamente", "totalmente", "realmente", "extremadamente", "tan"}
    ),
    contrasts=frozenset({"pero", "aunque"}),
    ignore=("buenos días", "buenas tardes", "buenas noches", "saludos cordiales"),
)

FRENCH = Lexicon(
    stems={
        "excellent": 3.0,
        "génial": 2.5,
        "parfait": 3.0,
        "satisfait": 2.0,
        "ravi": 2.5,
        "content": 2.0,
        "bon": 1.5,
        "bien": 1.0,
        "rapide": 1.0,
        "aimable": 1.5,
        "résolu": 1.5,
        "formidable": 3.0,
        "super": 2.5,
        "merveilleu": 3.0,
        "inacceptable": -3.0,
        "mécontent": -2.5,
        "furieu": -3.5,
        "fâché": -3.0,
        "déçu": -2.5,
        "décevant": -2.5,
        "catastroph": -3.0,
        "frustrant": -2.5,
        "frustré": -2.5,
        "nul": -2.5,
        "horrible": -3.0,
        "terrible": -3.0,
        "mauvais": -2.0,
        "inutil": -2.5,
        "malheureusement": -0.8,
        "lent": -1.0,
        "agaç": -2.0,
        "énerv": -2.5,
    },
    phrases={
        "ne marche plus": -1.5,
        "ne marche pas": -1.5,
        "ne fonctionne pas": -1.5,
        "ne fonctionne plus": -1.5,
        "plante": -1.5,
        "en panne": -1.5,
        "personne ne répond": -2.0,
        "deux fois": -1.0,
        "toujours pas": -1.5,
        "troisième fois": -2.5,
        "quatrième fois": -2.5,
        "sans réponse": -2.0,
        "ça suffit": -2.5,
        "trop c'est trop": -2.5,
        "autre fournisseur": -2.0,
        "un concurrent": -2.0,
        "une honte": -3.0,
        "c'est honteux": -3.0,
        "inadmissible": -3.0,
        "n'a servi à rien": -2.5,
        "ne sert à rien": -2.5,
        "pas grave": 0.5,
    },
    negations=frozenset({"pas", "jamais", "aucun", "aucune", "rien", "ni", "sans"}),
    intensifiers=frozenset({"très", "vraiment", "absolument", "totalement", "extrêmement", "si"}),
    contrasts=frozenset({"mais", "pourtant", "cependant"}),
    ignore=("bonjour", "bonsoir", "bonne journée", "cordialement", "merci d'avance"),
)

LEXICONS: dict[str, Lexicon] = {"de": GERMAN, "es": SPANISH, "fr": FRENCH}
