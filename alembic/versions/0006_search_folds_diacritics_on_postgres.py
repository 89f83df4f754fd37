"""search on PostgreSQL folds diacritics as SQLite's FTS5 does: "Orban" finds "Orbán"

SQLite's index (migration 0003) uses ``unicode61 remove_diacritics 2``: "Orbán", "Šefčovič" and
"Ṣ" are indexed as "orban", "sefcovic", "s", and queries are folded the same way. PostgreSQL's
``simple`` configuration kept the marks, so ``search "Orban"`` missed "Orbán" there. This adds
an IMMUTABLE function, ``stancewatch_fold_diacritics(text)``: ``translate()`` over a fixed
mapping, the very characters SQLite folds (488 Latin letters to their base letter, and 25
combining marks dropped, as unicode61 drops them from decomposed text; read off SQLite 3.40's
tokenizer, and ``tests/test_search.py`` checks it against SQLite's, character by character).
``translate()`` looks each character up in its whole list, so one call over all 513 took 2.5 ms
per 1,700 characters (``to_tsvector`` takes 0.2); the function (PL/pgSQL, there in every
database) translates one Unicode block at a time, only the blocks a regular expression finds in
the text: 0.06 ms for English or Ukrainian text, 1.25 ms for Hungarian, 1.4 for Vietnamese.
Letters SQLite keeps stay as they are on both: Cyrillic (``й``, ``ї``, ``ё``), ``ł``, ``ø``,
``đ``, ``ß``. No extension is needed (``unaccent`` needs CREATE EXTENSION, a superuser, and is
not IMMUTABLE, so no generated column could use it).

``search_vector`` is generated from the folded title and text, so it is dropped and added
again (PostgreSQL cannot change a generated column's expression in place before version 17):
every existing row is indexed anew, then the GIN index is built again. The search folds each
query with the same function. Downgrade restores migration 0003's column and drops the
function. SQLite: nothing changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: What SQLite's unicode61 tokenizer folds with remove_diacritics 2: each letter of _FOLDED
#: becomes the letter of _BASES at the same place (upper case to lower case too); the
#: combining marks of _MARKS are dropped.
_FOLDED = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäå"
    "çèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊ"
    "ċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮ"
    "įİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚś"
    "ŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽ"
    "žƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǦǧǨǩǪǫǬǭǰ"
    "ǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘș"
    "ȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍ"
    "ḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭ"
    "ḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍ"
    "ṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭ"
    "ṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍ"
    "ẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲ"
    "ẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒ"
    "ồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲ"
    "ỳỴỵỶỷỸỹ\u212b"  # the last: ANGSTROM SIGN
)
_BASES = (
    "aaaaaaceeeeiiiinooooouuuuyaaaaaa"
    "ceeeeiiiinooooouuuuyyaaaaaaccccc"
    "cccddeeeeeeeeeegggggggghhiiiiiii"
    "iijjkkllllllnnnnnnoooooorrrrrrss"
    "ssssssttttuuuuuuuuuuuuwwyyyzzzzz"
    "zoouuaaiioouuuuuuuuuuaaggkkooooj"
    "ggnnaaaaaaeeeeiiiioooorrrruuuuss"
    "tthhaaeeooooooooyyaabbbbbbccdddd"
    "ddddddeeeeeeeeeeffgghhhhhhhhhhii"
    "iikkkkkkllllllllmmmmmmnnnnnnnnoo"
    "oooooopppprrrrrrrrsssssssssstttt"
    "ttttuuuuuuuuuuvvvvwwwwwwwwwwxxxx"
    "yyzzzzzzhtwysaaaaaaaaaaaaaaaaaaa"
    "aaaaaeeeeeeeeeeeeeeeeiiiiooooooo"
    "ooooooooooooooooouuuuuuuuuuuuuuy"
    "yyyyyyya"
)
_MARKS = (
    "\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u0309\u030a\u030b\u030c"
    "\u030f\u0311\u031b\u0323\u0324\u0325\u0326\u0327\u0328\u032d\u032e\u0330\u0331"
)

FOLD_FUNCTION = "stancewatch_fold_diacritics"
#: The Unicode blocks translated one at a time, (first, last) code point: Latin-1, Latin
#: Extended-A and -B, Latin Extended Additional in two (the second: Vietnamese), the
#: ANGSTROM SIGN, the combining marks.
_BLOCKS = [(0x00C0, 0x00FF), (0x0100, 0x017F), (0x0180, 0x024F), (0x1E00, 0x1E9F),
           (0x1EA0, 0x1EFF), (0x212B, 0x212B), (0x0300, 0x036F)]  # fmt: skip


def _steps() -> str:
    """One ``IF t ~ '[block]' THEN t := translate(t, folded, bases)`` per block. None of the
    characters is a quote, a backslash or a regular-expression bracket: they go in as they are."""
    pairs = [*zip(_FOLDED, _BASES, strict=True), *((mark, "") for mark in _MARKS)]
    steps, placed = [], 0
    for first, last in _BLOCKS:
        mine = [(c, base) for c, base in pairs if first <= ord(c) <= last]
        placed += len(mine)
        folded = "".join(c for c, _ in mine)
        bases = "".join(base for _, base in mine)  # shorter for marks: translate() drops them
        steps.append(f"IF t ~ '[{chr(first)}-{chr(last)}]' THEN "
                     f"t := translate(t, '{folded}', '{bases}'); END IF;")  # fmt: skip
    assert placed == len(pairs), "a folded character outside _BLOCKS"
    return " ".join(steps)


_CREATE_FUNCTION = (
    f"CREATE FUNCTION {FOLD_FUNCTION}(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT "
    f"PARALLEL SAFE AS $$ BEGIN {_steps()} RETURN t; END $$"
)


def _vector(fold: str) -> str:
    """The generated ``search_vector``: title (weight A) and text (B), through ``fold``."""
    title, body = (f"{fold}(coalesce({col}, ''))" if fold else f"coalesce({col}, '')"
                   for col in ("title", "text"))  # fmt: skip
    return (
        "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('simple', {title}), 'A') || "
        f"setweight(to_tsvector('simple', {body}), 'B')) STORED, "
        "ALTER COLUMN search_vector SET STORAGE MAIN"  # as 0003: the vector kept in the row
    )


_DROP_VECTOR = [
    "DROP INDEX IF EXISTS ix_articles_search_vector",
    "ALTER TABLE articles DROP COLUMN IF EXISTS search_vector",
]
_CREATE_INDEX = "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)"

POSTGRES_UP = [_CREATE_FUNCTION, *_DROP_VECTOR, _vector(FOLD_FUNCTION), _CREATE_INDEX]
POSTGRES_DOWN = [*_DROP_VECTOR, _vector(""), _CREATE_INDEX, f"DROP FUNCTION {FOLD_FUNCTION}(text)"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for sql in POSTGRES_UP:
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for sql in POSTGRES_DOWN:
            op.execute(sql)
