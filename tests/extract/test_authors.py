"""A byline becomes a list of names: no "By", no dates, no job titles, no handles."""

from __future__ import annotations

import pytest

from foreigndesk.extract import clean_names


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Jane Roe", ["Jane Roe"]),
        ("By Amira Haddad and Kenji Mori", ["Amira Haddad", "Kenji Mori"]),
        ("By Jane Roe · 16/11/2024", ["Jane Roe"]),
        ("by Laura June Topolsky July 10, 2015", ["Laura June Topolsky"]),
        ("Dan Goodin - Apr 16, 2015 8:02 pm UTC", ["Dan Goodin"]),
        ("Tech Industry by Steven Musil January 18, 2017 @stevenmusil", ["Steven Musil"]),
        ("By Jane Roe, Senior Correspondent", ["Jane Roe"]),
        ("By Alex Heath, a deputy editor and author of the newsletter", ["Alex Heath"]),
        ("By Brenda Goodman, MA", ["Brenda Goodman"]),
        ("Aleš Vávra před 2 hodinami", ["Aleš Vávra"]),
        ("James Akinaka • 8h", ["James Akinaka"]),
        ("Written by Rob Ewaschuk\nEdited by Betsy Beyer", ["Rob Ewaschuk"]),
        ("By\n\t\tScott Cunningham", ["Scott Cunningham"]),
        (
            "Martin Untersinger (avec Damien Leloup et Morgane Tual)",
            ["Martin Untersinger", "Damien Leloup", "Morgane Tual"],
        ),
        ("Bradley M. Kuhn (http://ebb.org/bkuhn/)", ["Bradley M. Kuhn"]),
        ("Por Lucía Fernández y Tomás Ortega", ["Lucía Fernández", "Tomás Ortega"]),
        ("por César Salza 1 de diciembre de 2017", ["César Salza"]),
        ("Par Sébastien Farcis", ["Sébastien Farcis"]),
        ("Автор: Анна Петрова", ["Анна Петрова"]),
        ("Текст: Анна Петрова и Иван Смирнов", ["Анна Петрова", "Иван Смирнов"]),
        ("山田花子著", ["山田花子"]),
        ("文：佐藤健", ["佐藤健"]),
        ("文・佐藤健、写真・山田花子", ["佐藤健"]),
        ("By Jane Roe | Photos: Kenji Mori", ["Jane Roe"]),
        ("AFP", ["AFP"]),
        ("Share this article", []),
        ("", []),
        ("Von Max Muster, Chefredakteur", ["Max Muster"]),
        ("Par Jeanne Roux et Paul Martin", ["Jeanne Roux", "Paul Martin"]),
        ("Escrito por Lucía Fernández", ["Lucía Fernández"]),
        ("Di Marco Rossi e Giulia Bianchi", ["Marco Rossi", "Giulia Bianchi"]),
        ("Marco Di Rossi", ["Marco Di Rossi"]),  # a particle inside a name stays
        ("Bylund Smith", ["Bylund Smith"]),  # a name that starts like "By"
    ],
)
def test_bylines_read_as_names(byline: str, names: list[str]) -> None:
    assert clean_names(byline) == names


@pytest.mark.parametrize(
    "label",
    [
        "Author",
        "By",
        "Auteurs",
        "Autoren",
        "Veröffentlicht",
        "Veröffentlicht am 3. Mai",
        "Zur Artikelübersicht",
        "Chefredakteur",
        "Rédaction",
        "Redazione",
        "著者",
        "編集部",
    ],
)
def test_a_label_is_not_a_name(label: str) -> None:
    assert clean_names(label) == []
    assert clean_names(label, strict=False) == []


@pytest.mark.parametrize("byline", ["AuthorAndreas Kalt", "Author: Andreas Kalt", "ByAndreas Kalt"])
def test_a_label_glued_to_the_name_comes_off(byline: str) -> None:
    assert clean_names(byline) == ["Andreas Kalt"]
    assert clean_names(byline, strict=False) == ["Andreas Kalt"]


@pytest.mark.parametrize(
    "handle", ["edilson.la.rosa", "jane_roe", "CC7567", "jroe42", "jane@example.org", "@janeroe"]
)
def test_a_user_handle_or_an_address_is_not_a_name(handle: str) -> None:
    assert clean_names(handle) == []
    assert clean_names(handle, strict=False) == []
    assert clean_names(f"By {handle}") == []


def test_a_meta_value_keeps_an_organisation_as_author() -> None:
    assert clean_names("Contributors to Wikimedia projects", strict=False) == [
        "Contributors to Wikimedia projects"
    ]
    assert clean_names("BBC News", strict=False) == ["BBC News"]


def test_one_name_per_value_keeps_surname_first_names_whole() -> None:
    assert clean_names("Jong, Michiel de", strict=False, commas=False) == ["Jong, Michiel de"]
    assert clean_names("Stella Kim, Jennifer Jett", strict=False) == [
        "Stella Kim",
        "Jennifer Jett",
    ]


def test_text_too_long_to_be_a_byline_names_nobody() -> None:
    assert clean_names("Jane Roe " + "wrote a long paragraph about ferries " * 10) == []
