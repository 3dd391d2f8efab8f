"""Words that mean the same thing for choosing an answer, folded to one concept word."""

from __future__ import annotations

_GROUPS = {
    "minor": "minor minors kid kids child children teen teens teenager teenagers youth "
    "underage juvenile juveniles nino ninos nina ninas menor menores adolescente "
    "adolescentes joven jovenes",
    "arrest": "arrest arrested arresting charged charge prosecuted prosecute jail jailed "
    "locked punished punish crime criminal illegal arrestado arrestada arrestar "
    "detenido detenida carcel delito castigado",
    "calls": "calls call signals signal contacts reports messages texts llamadas llamada "
    "senales contactos",
    "statistics": "statistics stats numbers data figures count cases estadisticas numeros "
    "datos cifras casos",
    "law": "law laws statute statutes legislation ley leyes estatuto",
    "work": "work labor labour job jobs trabajo laboral empleo",
    "sex": "sex sexual commercial sexo sexual",
    "language": "language languages idioma idiomas lengua spanish espanol english ingles",
    "confidential": "confidential private privacy secret anonymous anonymously confidencial "
    "privado anonimo anonima",
    "connecticut": "connecticut ct conn",
    "wisconsin": "wisconsin wi",
}
CONCEPT = {word: concept for concept, words in _GROUPS.items() for word in words.split()}


def fold(word: str) -> str:
    """The concept word for a word, or the word itself (an age under 18 is "minor")."""
    if word.isdigit() and len(word) <= 2 and 4 <= int(word) < 18:
        return "minor"
    return CONCEPT.get(word, word)
