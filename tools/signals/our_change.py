"""A fault that started with a change on our side: "since your update on Tuesday", "seit eurem Release".

A customer who writes that something broke with our release, update, deploy, maintenance
window or migration reports a regression: the help article's general steps ("shorten the
date range", "check the bucket policy") answer a problem of their making, not one of
ours, and a support lead hands the ticket to the team that owns it (graph/routing.py,
``our_change``). Read here, by the same deterministic check for every engine, in English,
German, Spanish and French.

A change of the customer's own is not ours: "since our deploy", "since the update of our
Okta certificate", "nach der Umstellung auf unser neues Intranet", "nous avons migré notre
serveur … depuis la migration". A ticket that tells of a change the customer made is not
read at all, since the fault may be theirs ("since your release this morning, or our
deploy, honestly not sure which").
"""

from __future__ import annotations

import re

from supportgraph.tools.signals.normalize import fold, quote

# What changed, as customers name our changes (folded).
_CHANGE_EN = (
    r"(?:update|release|deploy|deployment|upgrade|maintenance|migration|rollout|roll-out|patch"
    r"|new version)"
)
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_WHEN_EN = rf"(?:yesterday|today|this morning|tonight|last night|last week|last weekend|the weekend|{_DAY})'?s"
_CHANGE_DE = (
    r"(?:update|release|deployment|deploy|wartung\w*|umstellung|migration|aktualisierung|rollout"
    r"|versionswechsel|neuen version|letzten version)"
)
_CHANGE_ES = (
    r"(?:actualizacion|nueva version|ultima version|migracion|mantenimiento|despliegue|update"
    r"|release)"
)
_CHANGE_FR = (
    r"(?:mise a jour|maj|migration|maintenance|nouvelle version|derniere version|deploiement"
    r"|update|release)"
)
_MODIFIERS = r"(?:[\w.-]+ ){0,2}?"  # "the app update", "last week's snowflake sync update"
_OURS = re.compile(
    # English: "since your update on Tuesday", "after yesterday's release", "since the app
    # update on monday", "it started after last week's release"
    r"\b(?:since|after|ever since|following|starting with|with)"
    rf" (?:your (?:latest |recent |last |new )?|the (?:latest |recent |last |new |most recent )?"
    rf"|{_WHEN_EN} |last |acme(?: insights)?'?s )"
    rf"{_MODIFIERS}{_CHANGE_EN}s?\b"
    r"|\b(?:since|after|ever since|when) (?:you|you guys|you all|your team|acme(?: insights)?)"
    r" (?:updated|released|deployed|rolled out|migrated|upgraded|pushed|shipped|moved us|switched us)\b"
    r"|\byour (?:team|engineers) (?:moved|migrated|switched) us\b"
    # "the day your new rate limits went live", "auto-updated to your 3.8"
    r"|\byour (?:new |latest )?(?:[\w-]+ ){0,2}?(?:went live|launched|was rolled out|were rolled out)\b"
    r"|\b(?:updated|upgraded|aktualisiert|actualizo|actualizada|mis a jour|mise a jour) (?:to|auf|a)"
    r" (?:your|eure|ihre|vuestra|su|votre) (?:version |v)?\d"
    # "the HubSpot connector update you rolled out on the 3rd changed …"
    rf"|\b{_CHANGE_EN}s? (?:that )?you(?: guys)? (?:rolled out|pushed|shipped|released|deployed"
    r"|made|did|ran)\b"
    # "your changelog from Monday mentions … Since then our Opportunity object hasn't synced"
    r"|\b(?:changelog|change log|release notes?|status page|status email|versionshinweise"
    r"|release-notes|notas de (?:la )?version|notas de lanzamiento|notes de version)\b"
    r"[^\n]{0,200}?\b(?:since then|ever since|since that (?:night|day|morning)|seitdem|seither"
    r"|desde entonces|desde esa (?:noche|manana)|depuis)\b"
    # German: "seit dem Update am Dienstag", "seit eurem Release", "nach der Wartung"
    r"|\b(?:seit|nach)(?: dem| der| eurem| eurer| ihrem| ihrer)(?: letzten| gestrigen| neuen"
    rf"| jungsten)? {_MODIFIERS}{_CHANGE_DE}\b"
    # "mit Ihrem letzten Release hat sich … geändert", "seit ihr das Update eingespielt habt"
    rf"|\bmit (?:eurem|ihrem|eurer|ihrer)(?: letzten| neuen| jungsten)? {_MODIFIERS}{_CHANGE_DE}\b"
    r"|\bseit(?:dem)? ihr (?:\w+ ){0,4}?(?:aktualisiert|eingespielt|ausgerollt|deployt|migriert"
    r"|umgestellt|geandert) (?:habt|hat)\b"
    # Spanish: "desde la actualización de anoche", "tras el mantenimiento"
    r"|\b(?:desde|tras|despues de)(?: la| el| su| vuestra| vuestro)(?: ultima| ultimo| reciente)?"
    rf" {_MODIFIERS}{_CHANGE_ES}\b"
    # "desde que actualizasteis la plataforma", "la migración que hicisteis"
    r"|\b(?:desde|despues de) que (?:\w+ )?(?:actualiz|migr|despleg|cambi|sac|lanz)(?:asteis|aron)\b"
    rf"|\b{_CHANGE_ES} que (?:hicisteis|hicieron|lanzasteis|lanzaron|sacasteis|sacaron)\b"
    # French: "depuis la mise à jour de mardi", "après votre maintenance"
    r"|\b(?:depuis|apres|suite a)(?: la| le| votre| vos| l')(?: derniere| dernier| recente)?"
    rf" ?{_MODIFIERS}{_CHANGE_FR}\b"
    # "depuis que vous avez mis à jour la plateforme"
    r"|\b(?:depuis|apres) que vous (?:avez|ayez) (?:\w+ )?(?:mis a jour|migre|deploye|change"
    r"|modifie)\b"
)
# The problem named as over after the change: "the charts that broke after your release show
# correctly again", "los webhooks que fallaban desde la migración ya se entregan".
_OVER = re.compile(
    r"\b(?:works? again|working again|back to normal|(?:has|have) stopped|resolved|fixed|no action"
    r" needed|is over|wieder (?:schnell|normal|da|korrekt|richtig|da)|lauft (?:\w+ )?wieder"
    r"|funktioniert (?:\w+ )?wieder|vuelve a funcionar|vuelven a|ya (?:se |funciona|va|esta)"
    r"|resuelto|solucionado|a nouveau|de nouveau|rentre dans l'ordre|resolu|regle|all good"
    r"|been succeeding|alles gut|alles wieder|todo bien|tout va bien|tout est ok|behoben|gelost"
    r"|(?:run|runs|ran|running|working|work|works) fine|funcionan bien|funciona bien"
    r"|fonctionnent? bien)\b"
)
# The change explained as someone else's right after it: "Since the update … I mean
# Salesforce's Spring release, not anything of yours", "gemeint ist das Update unseres ADFS".
_EXPLAINED = re.compile(
    r"\b(?:i mean|i'm talking about|to be clear|not (?:anything )?(?:of )?yours|gemeint ist|ich meine"
    r"|me refiero|je parle de|je veux dire)\b"
)
# The change named as the customer's, right after it: "the update of our certificate",
# "la mise à jour de leur certificat", "die Umstellung auf unser Intranet".
_THEIRS_AFTER = re.compile(
    r"^ (?:of|to|on|for|in) (?:our|my|their)\b|^ (?:de|du|sur|vers) (?:notre|nos|leur|leurs|mon|ma)\b"
    r"|^ (?:de|a|en) (?:nuestro|nuestra|nuestros|nuestras|mi)\b"
    r"|^ (?:unser|unseres|unserer|auf unser\w*|von unser\w*|ihres|ihrer)\b"
    # A switch to summer time or to another plan is no release of ours.
    r"|^ (?:auf|to) (?:die )?(?:sommerzeit|winterzeit|starter|growth|professional|enterprise)\b"
)
# A change the customer made, told anywhere: then the fault may be theirs.
_THEIR_CHANGE = re.compile(
    r"\b(?:we|i)(?: have| had|'ve|'d)?(?: just| recently| also)?"
    r" (?:updated|upgraded|migrated|deployed|moved|switched|rolled out|released|pushed|changed"
    r"|rotated|renewed|replaced)\b"
    r"|\b(?:our|my) (?:own )?(?:\w+ ){0,2}?(?:update|release|deploy|deployment|upgrade|migration"
    r"|rollout|maintenance)\b"
    r"|\b(?:wir|ich) (?:haben|habe|hatten) (?:(?!nichts |nicht |nie |kein)\w+ ){0,5}?"
    r"(?:aktualisiert|migriert|umgestellt|deployt|umgezogen|gewechselt|geandert|erneuert)\b"
    r"|\b(?:unser\w*|meine\w*) (?:\w+ ){0,1}?(?:update|release|deployment|umstellung|migration"
    r"|umzug)\b"
    r"|\b(?<!no )(?:hemos|he|habiamos) (?:actualizado|migrado|desplegado|cambiado|movido|renovado)\b"
    r"|\b(?:nuestra|nuestro|mi) (?:\w+ ){0,1}?(?:actualizacion|migracion|despliegue)\b"
    r"|\b(?:nous avons|j'ai|on a) (?:\w+ ){0,1}?(?:mis a jour|migre|deploye|change|demenage"
    r"|renouvele)\b"
    r"|\b(?:notre|nos|ma|mon) (?:\w+ ){0,1}?(?:mise a jour|migration|deploiement)\b"
)


def our_change(text: str) -> str:
    """The words saying a problem started with a change on our side, in context; "" when none.

    Pass the customer's own words (quoted history left out): a change the customer tells
    of having made anywhere in them means none is read.
    """
    folded = fold(text)
    if _THEIR_CHANGE.search(folded):
        return ""
    for match in _OURS.finditer(folded):
        if _THEIRS_AFTER.search(folded[match.end() : match.end() + 30]):
            continue
        if _OVER.search(folded[max(0, match.start() - 120) : match.end() + 120]):
            continue
        if _EXPLAINED.search(folded[match.end() : match.end() + 200]):
            continue
        return quote(text, folded, match.start(), match.end())
    return ""
