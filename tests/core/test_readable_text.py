"""Text evidence decoded for reading: the encoding proved or said to be guessed, controls made visible, bounded."""

import codecs
import os

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.domain.readable_text import (
    SHOWN_BYTES,
    decode_for_reading,
    looks_like_text,
    neutralise,
)

WORDS = "Meet me after school — don't tell anyone. Ça va? 日本語"


def test_utf8_is_proved_and_shown_whole():
    read = decode_for_reading(WORDS.encode(), len(WORDS.encode()))
    assert (read.text, read.encoding, read.guessed, read.partial) == (WORDS, "UTF-8", False, False)
    assert read.neutralised == read.undecodable == 0


def test_byte_order_marks_name_the_encoding_and_are_not_shown():
    for bom, codec, label in (
        (codecs.BOM_UTF8, "utf-8", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    ):
        data = bom + WORDS.encode(codec)
        read = decode_for_reading(data, len(data))
        assert (read.text, read.encoding, read.guessed) == (WORDS, label, False), label
        assert looks_like_text(data[:1024])


def test_utf16_without_a_mark_is_recognised_by_its_zero_bytes_and_said_to_be_a_guess():
    data = "plain ASCII chat export, saved by Notepad\r\nline two".encode("utf-16-le")
    read = decode_for_reading(data, len(data))
    assert read.text == "plain ASCII chat export, saved by Notepad\nline two"
    assert (read.encoding, read.guessed) == ("UTF-16 LE", True)
    assert looks_like_text(data)


def test_windows_1252_is_the_guess_left_and_says_so():
    data = "caf\xe9 \u201cquoted\u201d \u20ac5".encode("cp1252")
    read = decode_for_reading(data, len(data))
    assert read.text == "caf\xe9 \u201cquoted\u201d \u20ac5"
    assert (read.encoding, read.guessed) == ("Windows-1252", True)


def test_control_and_direction_characters_are_shown_not_obeyed():
    hostile = "ok\x1b[2J\x00\x07 \u202eexe.txt\u202c \x85 end\tTAB\r\nnext\rline\x7f"
    read = decode_for_reading(hostile.encode(), len(hostile.encode()))
    assert read.text == "ok[ESC][2J[NUL][BEL] [RLO]exe.txt[PDF] [U+0085] end\tTAB\nnext\nline[DEL]"
    assert read.neutralised == 7


def test_only_the_first_part_of_a_long_text_is_decoded_and_a_cut_character_is_held_back():
    data = ("é" * (SHOWN_BYTES // 2) + "tail").encode()  # é is 2 bytes: SHOWN_BYTES ends exactly on one
    head = data[: SHOWN_BYTES - 1]  # ...and this one mid-character
    read = decode_for_reading(head, len(data))
    assert read.partial and read.total_bytes == len(data) and read.shown_bytes == SHOWN_BYTES - 1
    assert read.text == "é" * (SHOWN_BYTES // 2 - 1) and read.undecodable == 0
    assert (read.encoding, read.guessed) == ("UTF-8", False)
    assert len(decode_for_reading(data, len(data)).text) == SHOWN_BYTES // 2  # never more than SHOWN_BYTES


def test_binary_is_not_text():
    assert not looks_like_text(os.urandom(1024))
    assert not looks_like_text(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"x" * 200)  # a zip
    assert not looks_like_text(b"")
    assert looks_like_text(b"name,size\nupload-1.jpg,1024\n")
    assert looks_like_text("caf\xe9\r\n".encode("cp1252"))


@given(st.binary(max_size=4096))
def test_any_bytes_decode_to_text_with_nothing_that_acts_on_a_display(data):
    read = decode_for_reading(data, len(data))
    assert all(char in "\t\n" or not (ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F) for char in read.text)
    assert not any(char in read.text for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_neutralise_keeps_ordinary_text():
    assert neutralise(WORDS) == (WORDS, 0)
