"""Name text to tokens: the kept results (text._tokens_of, word_tokens) are what the rules give."""

from __future__ import annotations

from paxvet.match.text import latin_words, make_token, script_of, split_words, tokens_of, word_tokens


def test_tokens_of_gives_a_new_list_every_time() -> None:
    first = tokens_of("Dr Abdel Rahman AL-ASSAD")
    first.clear()
    again = tokens_of("Dr Abdel Rahman AL-ASSAD")
    assert [t.norm for t in again] == ["abdrahman", "al", "assad"]
    assert [t.norm for t in tokens_of("Dr", drop_titles=False)] == ["dr"]


TEXTS = ("José María", "Владимир Путин", "毛泽东", "バラク・オバマ", "عبد الرحمن", "I9or Sech1n", "--")


def test_word_tokens_are_each_written_part() -> None:
    for text in TEXTS:
        for word in split_words(text):
            script = script_of(word)
            expected = [make_token(raw, norm, script) for raw, norm in latin_words(word) if norm]
            assert list(word_tokens(word)) == expected
