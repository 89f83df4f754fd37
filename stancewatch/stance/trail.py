"""Why a statement has its stance, as a structure: the verdict trail.

Why: a statement's ``cue`` is what a reader checks an alert by ("speech:not-ready+negated"),
and the engine and the model's features also ask it questions (which cue decided, was the
holder reached through someone else). Asked of a string, each question was a ``split`` that
had to know how the string was built; asked of this structure, it is a field. The string is
only rendered (``str``), for the ``cue`` column, the CLI and the alerts, and reads as before:

- a reading (``Reading``): the cues that fired (``Fired``), head first, each taking the next as
  its object, joined by ``>`` (``rejects>abandon``), each with what modified it where it stood
  (``+negated``, ``+substitute``); ``sought:`` in front when it is what a holder asks in exchange
  ("ready to leave office in exchange for membership"); then what turned the whole reading
  (``+rhetorical``, ``+denied``, ``+answered-no``);
- a rule statement's trail (``Trail``): how the holder was reached (``subject``, ``speech``,
  ``headline``, ...), with the part the holder plays when the reading is not simply theirs
  (``+reports-others``, ``+answers``), then ``:`` and the reading, if any;
- a model statement's trail: ``model:VERSION[the features that decided it]``;
- either, when carried to what a person or body speaks for: `` (via NAME)``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Fired:
    """One cue of the registry that fired, with what modified it where it stood."""

    name: str
    tags: tuple[str, ...] = ()  # "negated", "substitute"

    def __str__(self) -> str:
        return "+".join((self.name, *self.tags))


@dataclass(frozen=True)
class Reading:
    """What a clause says about membership: the cues that fired, composed head first."""

    fired: tuple[Fired, ...] = ()
    #: the reading is what the holder seeks in exchange ("in exchange for NATO membership");
    #: with no cue fired, membership itself is what is sought
    sought: bool = False
    #: what turned the whole reading after it was composed: "rhetorical" ("why should Ukraine
    #: not join?"), "denied" (the verb of saying negated), "answered-no"
    turns: tuple[str, ...] = ()

    @classmethod
    def of(cls, name: str) -> Reading:
        """A reading of one cue, unmodified."""
        return cls((Fired(name),))

    @property
    def head(self) -> str | None:
        """The name of the cue that takes the others as its object (None for a sought
        reading: what is sought is not the holder's own act)."""
        return self.fired[0].name if self.fired and not self.sought else None

    @property
    def alone(self) -> str | None:
        """The cue's name when the reading is that one cue, not composed and not sought."""
        return self.head if len(self.fired) == 1 else None

    def judged_by(self, judgements: frozenset[str]) -> bool:
        """A cue after the head judges what the head names ("giving up would be a
        betrayal")."""
        return any(f.name in judgements for f in self.fired[1:])

    def turned(self, turn: str) -> Reading:
        return replace(self, turns=(*self.turns, turn))

    def __str__(self) -> str:
        chain = ">".join(map(str, self.fired))
        if self.sought:
            chain = f"sought:{chain}" if chain else "sought"
        return "+".join((chain, *self.turns))

    @property
    def label(self) -> str:
        """The reading as the model's ``rulecue`` feature names it: the first cue, without
        its tags (``sought:`` kept)."""
        if not self.fired:
            return "sought" if self.sought else ""
        return f"sought:{self.fired[0].name}" if self.sought else self.fired[0].name


@dataclass(frozen=True)
class Trail:
    """Why a statement has its stance: the rules' attribution and reading, or the model's."""

    how: str  # how the holder was reached: subject, speech, headline, ..., or "model"
    role: str | None = None  # "reports-others", "answers", "comments-on", "denial"
    reading: Reading | None = None
    model_top: tuple[str, ...] = ()  # a model statement: the features that decided it
    model_version: str | None = None
    via: str | None = None  # carried from this person's or body's statement

    @classmethod
    def of_model(cls, version: str, top: tuple[str, ...]) -> Trail:
        return cls("model", model_top=top, model_version=version)

    def carried(self, via: str) -> Trail:
        """This trail, counted for what ``via`` speaks for."""
        return replace(self, via=via)

    @property
    def is_model(self) -> bool:
        return self.model_version is not None

    def __str__(self) -> str:
        if self.is_model:
            out = f"model:{self.model_version}[{', '.join(self.model_top)}]"
        else:
            out = self.how if self.role is None else f"{self.how}+{self.role}"
            if self.reading is not None:
                out = f"{out}:{self.reading}"
        return out if self.via is None else f"{out} (via {self.via})"

    def as_dict(self) -> dict:
        """The trail for JSON output: only the parts it has."""
        out: dict = {"how": self.how}
        if self.role is not None:
            out["role"] = self.role
        if self.reading is not None:
            out["cues"] = [{"name": f.name, "tags": list(f.tags)} for f in self.reading.fired]
            if self.reading.sought:
                out["sought"] = True
            if self.reading.turns:
                out["turns"] = list(self.reading.turns)
        if self.is_model:
            out["model"] = self.model_version
            out["features"] = list(self.model_top)
        if self.via is not None:
            out["via"] = self.via
        return out
