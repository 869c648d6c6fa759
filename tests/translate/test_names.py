"""Which names the desk offers an editor to confirm: the article's authors and the people
its text names, told by how a newsroom writes them (full name first, then the surname or
a title), never a headline's capitals or a date."""

from __future__ import annotations

from foreigndesk.translate.names import (
    MOST,
    crosses_scripts,
    names_in,
    names_to_offer,
    people_named,
    surname_entry,
    surname_used_alone,
)

STORY = [
    "River Trust Chooses a New Chair",
    "The river trust met on Monday. Jane Roe, who chairs it, said the plan was ready.",
    "Roe added that Dr. Karl Weber, a hydrologist, had checked the figures.",
    "Weber's report is public. In New York, the Harbour Board had no comment.",
    "Ms Ana de la Cruz said the Cruz family would wait.",
]


def test_a_full_name_later_written_by_its_surname_or_after_a_title_is_a_person() -> None:
    assert people_named(STORY) == ["Jane Roe", "Karl Weber", "Ana de la Cruz"]


def test_a_given_name_used_alone_tells_a_person_too() -> None:
    text = ["The club was founded by George Adeyemi. George says chess mixes ages."]
    assert people_named(text) == ["George Adeyemi"]


def test_places_organisations_headlines_and_dates_are_not_offered() -> None:
    texts = [
        "How Harbour Towns Prepare for Higher Tides",  # headline case: no name told by it
        "The Harbour Board met in New York. Every Saturday the board walks Mill Street.",
        "The board said the street was busy.",
    ]
    assert people_named(texts) == []


def test_a_word_the_article_writes_in_lower_case_is_not_part_of_a_name() -> None:
    texts = ["Green Party members met. Party leaders spoke. The party grew."]
    assert people_named(texts) == []


def test_titles_before_a_name_are_cut_off() -> None:
    texts = ["Russian President Vladimir Putin spoke. Putin said little."]
    assert people_named(texts) == ["Vladimir Putin"]


def test_authors_come_first_and_the_list_is_short() -> None:
    many = [
        f"Person{chr(97 + i)} Surname{chr(97 + i)} spoke. Surname{chr(97 + i)} left."
        for i in range(20)
    ]
    offered = names_to_offer(names_in(["Sam Lee", " Jane  Roe "], many))
    assert offered[:2] == ["Sam Lee", "Jane Roe"]
    assert len(offered) == MOST


def test_names_are_offered_only_across_scripts() -> None:
    assert crosses_scripts("en", "ja")
    assert crosses_scripts("en-GB", "ru")
    assert not crosses_scripts("en", "es")
    assert not crosses_scripts("de", "pt-BR")
    # The scripts of South and South-East Asia and the Horn of Africa are their own.
    assert all(crosses_scripts("en", lang) for lang in ("bn", "ta", "my", "km", "am"))
    assert not crosses_scripts("hi", "mr")  # both Devanagari


def test_a_confirmed_spelling_gives_the_surname_alone_when_the_parts_pair_up() -> None:
    assert surname_entry("Jane Roe", "ジェーン・ロウ") == ("Roe", "ロウ")
    assert surname_entry("Karl Weber", "カール＝ヴェーバー") == ("Weber", "ヴェーバー")
    assert surname_entry("Jane Roe", "ロウ") is None  # no parts to pair
    assert surname_entry("Ana de la Cruz", "アナ・デ・ラ・クルス") is None  # particles


def test_the_surname_counts_as_used_alone_only_outside_the_full_name() -> None:
    assert surname_used_alone("Jane Roe", STORY)
    assert not surname_used_alone("Jane Roe", ["Jane Roe spoke. Jane Roe's plan won."])


def test_a_one_sentence_paragraph_full_of_names_is_not_a_headline() -> None:
    texts = [
        "Prime Minister Keir Starmer met Emmanuel Macron in Paris.",
        "Starmer said the talks went well. Macron agreed.",
    ]
    assert people_named(texts) == ["Keir Starmer", "Emmanuel Macron"]


def test_a_possessive_ends_the_name() -> None:
    assert people_named(["Elon Musk's Tesla grew. Musk said so."]) == ["Elon Musk"]


def test_names_known_already_leave_room_for_others() -> None:
    many = [
        f"Person{chr(97 + i)} Surname{chr(97 + i)} spoke. Surname{chr(97 + i)} left."
        for i in range(20)
    ]
    first = names_to_offer(names_in([], many))
    later = names_to_offer(names_in([], many), known=set(first))
    assert len(first) == MOST
    assert len(later) == 20 - MOST  # the rest, none of the first again
    assert not set(first) & set(later)


GERMAN_STORY = [
    "Neue Fähre für die Nordsee",
    "Die Stadtwerke wollen die Fähre ab Mai betreiben. Bürgermeisterin Anna Schulz sagte"
    " am Montag, die Verbindung sei überfällig.",
    "Schulz verwies auf den Fahrplan. Thomas Berger, Sprecher des Ausschusses, nannte das"
    " Projekt ein gutes Beispiel. Berger erwartet viele Pendler.",
    "Die Kosten trägt das Land Niedersachsen. Das Land hat dafür Geld vorgesehen.",
]


def test_in_german_a_noun_after_an_article_tells_no_name() -> None:
    # Every German noun is capitalised: "die Fähre" is no surname, "das Land" no person,
    # and a German title ("Bürgermeisterin") is cut off like an English one.
    assert people_named(GERMAN_STORY, "de") == ["Anna Schulz", "Thomas Berger"]


def test_the_word_an_article_belongs_to_is_a_thing_and_a_name_may_follow_it() -> None:
    english = [
        "The Harbour Trust met on Monday. Trust officials said the European Commission had"
        " written. The Commission was silent.",
    ]
    german = [
        "Das Land Niedersachsen zahlt. Niedersachsen hat Geld vorgesehen.",
        "Das sagte die Ärztin Anna Schulz. Schulz warnte vor Eile.",
        "Die Idee kam vom Unternehmer Thomas Berger. Berger lachte.",
    ]
    assert people_named(english, "en") == []
    assert people_named(german, "de") == ["Anna Schulz", "Thomas Berger"]


def test_words_that_are_articles_elsewhere_do_not_hide_people() -> None:
    assert people_named(["Critics such as Jane Roe objected. Roe said no."], "en") == ["Jane Roe"]
    assert people_named(["I am Jane Roe, and Roe is my name."], "en") == ["Jane Roe"]
    # Portuguese puts an article before a person's name.
    assert people_named(["Segundo a Maria Silva, tudo bem. Silva sorriu."], "pt") == ["Maria Silva"]


def test_a_particle_before_a_surname_is_not_an_article() -> None:
    texts = ["Ursula von der Leyen spoke first. Reporters asked von der Leyen about it."]
    assert people_named(texts, "de") == ["Ursula von der Leyen"]


def test_a_script_subtag_says_which_script_the_language_is_written_in() -> None:
    assert crosses_scripts("sr", "hr")
    assert not crosses_scripts("sr-Latn", "hr")
