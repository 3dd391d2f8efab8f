"""English or Spanish: which language a message is written in, and explicit switches."""

from __future__ import annotations

# Common words that say "this is Spanish" or "this is English" (normalised: no accents).
# Words both languages share ("no", "a", "me", "de" in names) are left out.
SPANISH = set(
    """
    que el la los las del en un una unos unas para por con es son su sus se al lo le les
    como mas pero muy ya yo tu usted ustedes ella ellos ellas nosotros mi mis estoy esta
    estan estamos eres soy fue ser hay tengo tiene tienen tenemos quiero quiere necesito
    necesita necesitamos puedo puede pueden ayuda ayudame ayudenme ayudar ayudarme donde
    cuando cual quien porque favor hola gracias buenas buenos dias tardes noches
    trabajo trabajar patron jefe dinero pagan paga salir dejan deja casa hijo hija hijos
    ninos nina nino menor menores anos edad peligro miedo amenaza amenazan golpea golpean
    pegan pega matar arma pistola encerrada encerrado denuncia denunciar reportar trata
    personas trafico abogado abogada servicios ayuda legal refugio albergue cerca ciudad
    informacion sobre numero linea telefono llamar llamo mensaje alguien algo nada nadie
    todo todos ahora aqui alla bien mal vida sexo obligan obliga forzada forzado papeles
    pasaporte documentos deuda deben debo vendio venden vende esposo novio novia senor
    senora mujer hombre chica chico amiga amigo vecina vecino tambien entonces estaba
    estuve hace hacer hago dicen dice sabe se sabes conoces dime explicame espanol
    auxilio socorro quieren quiere quiero matan mato jaja jajaja perdon equivoque disculpa
    numero gracias tambien porque pero nunca siempre donde hermana hermano sobrina
    sobrino tia tio mama papa novio esposa marido trabajan trabaja vivo vive viven duermo
    duermen granja fabrica restaurante escuela fiesta fiestas hombres senores lleva llevan
    obligan obliga pagan dejan puedo podemos tenemos somos estamos ayudar buscar busco
    necesitamos cuanto cuantos cuantas esto eso aqui ahi alla hoy manana noche dia
    """.split()
)
ENGLISH = set(
    """
    the and to of you your is are for in with on it this that at be have has had was were
    will would can could should do does did not what where when who how why which there
    here they them their he she him her his i my me we our us am an if or so but just
    need help want know please get got going give take took make makes made let leave
    work job boss money pay paid house home call text police someone something anyone
    people friend girl boy kid kids child children years old age danger safe scared
    afraid hurt hit kill gun weapon report tip suspect saw think find services resources
    near shelter lawyer attorney legal counselor support information info about define
    meaning many much hotline number phone thanks thank hello hi hey yeah
    forced force sold selling sell sex trafficking trafficked trapped escape escaped
    """.split()
)
SWITCH_TO = {
    "es": {
        "espanol",
        "spanish",
        "en espanol",
        "espanol por favor",
        "habla espanol",
        "hablas espanol",
        "castellano",
    },
    "en": {"english", "ingles", "en ingles", "in english", "english please"},
}


def detect(words: list[str]) -> str | None:
    """'es' or 'en' when the words clearly lean one way, otherwise None."""
    es = sum(w in SPANISH for w in words)
    en = sum(w in ENGLISH for w in words)
    if es > en:
        return "es"
    if en > es:
        return "en"
    return None


def switch_request(normalized: str) -> str | None:
    """The language asked for when the whole message is a request to switch."""
    for lang, phrases in SWITCH_TO.items():
        if normalized in phrases:
            return lang
    return None
