import pytest

from minitutor.agent import tutor

CASES = [
    ("she go to school yesterday", "She went to school yesterday.", "Ella fue a la escuela ayer."),
    ("i eat a apple every day", "I eat an apple every day.", "Yo como una manzana todos los días."),
    ("he have a new book", "He has a new book.", "Él tiene un libro nuevo."),
    ("they plays football on sunday", "They play football on Sunday.",
     "Ellos juegan al fútbol el domingo."),
    ("we was at home last night", "We were at home last night.",
     "Nosotros estuvimos en casa anoche."),
    ("she don't drink coffee", "She doesn't drink coffee.", "Ella no bebe café."),
    ("he go to the park two days ago", "He went to the park two days ago.",
     "Él fue al parque hace dos días."),
    ("the dogs is happy", "The dogs are happy.", "Los perros están felices."),
    ("do you speak english?", "Do you speak English?", "¿Tú hablas inglés?"),
]


@pytest.mark.parametrize(("sentence", "english", "spanish"), CASES)
def test_corrects_and_glosses(sentence, english, spanish):
    result = tutor(sentence)
    assert result["correction"] == english
    assert result["spanish"] == spanish


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("an university", "A university."),
        ("a hour", "An hour."),
        ("she didn't went to work", "She didn't go to work."),
        ("he can swims", "He can swim."),
        ("my brother watch tv", "My brother watches TV."),
        ("She reads a book.", "She reads a book."),
        ("Is it good?", "Is it good?"),
    ],
)
def test_english_rules(sentence, expected):
    assert tutor(sentence)["correction"] == expected


def test_correct_sentences_are_left_alone():
    for _, english, _ in CASES:
        assert tutor(english)["correction"] == english


def test_result_has_both_fields_as_strings():
    result = tutor("i am tired")
    assert set(result) == {"correction", "spanish"}
    assert all(isinstance(value, str) for value in result.values())
