"""Place names by their sound: every reading of a character, pinyin as English writes
it, and sound-alikes that stay close enough to the name to be it."""

from __future__ import annotations

from knowledge_base.place_sounds import SoundIndex, pinyin_keys


def test_pinyin_keys_try_every_reading_of_a_character():
    assert "changning" in pinyin_keys("长宁")


def test_pinyin_keys_write_u_umlaut_both_ways():
    assert {"lvxiang", "luxiang"} <= pinyin_keys("吕巷")


def test_sound_index_finds_a_name_spelt_by_its_sound():
    index = SoundIndex(["徐家汇", "陆家嘴"])
    assert list(index.matches("徐家会地铁站")) == [(0, 3, "徐家汇")]


def test_sound_index_folds_accents_for_names_of_four_characters():
    assert list(SoundIndex(["浦东新区"]).matches("普东新区")) == [(0, 4, "浦东新区")]


def test_sound_index_does_not_fold_accents_for_three_characters():
    assert list(SoundIndex(["中兴镇"]).matches("中心镇")) == []


def test_sound_index_wants_a_character_in_common_with_the_name():
    assert list(SoundIndex(["徐家汇"]).matches("许佳会")) == []


def test_sound_index_leaves_names_written_right_to_exact_matching():
    assert list(SoundIndex(["徐家汇"]).matches("徐家汇")) == []
