"""The CheckpointState message of a directory's `checkpoint` file, in the
protobuf text format TensorFlow writes and reads it in:

    model_checkpoint_path: "model.ckpt-3"
    all_model_checkpoint_paths: "model.ckpt-2"
    all_model_checkpoint_paths: "model.ckpt-3"

Strings are escaped as protobuf's text format (as_utf8) escapes them: C
escapes for quotes, backslashes and control characters (octal), other
characters as they are; one field a line.
"""

import re

__all__ = ["CheckpointState", "ParseError"]

_FIELDS = {
    "model_checkpoint_path": "string",
    "all_model_checkpoint_paths": "repeated string",
    "all_model_checkpoint_timestamps": "repeated double",
    "last_preserved_timestamp": "double",
}

_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
            ord("'"): "\\'", ord("\\"): "\\\\"}
_UNESCAPES = {"n": 10, "r": 13, "t": 9, '"': 34, "'": 39, "\\": 92, "a": 7, "b": 8, "f": 12,
              "v": 11, "?": 63}

_TOKEN = re.compile(r"""\s*(?:\#[^\n]*\n\s*)*(?:
      (?P<name>[A-Za-z_]\w*)\s*:\s*
      (?:(?P<string>(?:"(?:[^"\\\n]|\\.)*"\s*|'(?:[^'\\\n]|\\.)*'\s*)+)
        |(?P<number>[-+]?(?:inf(?:inity)?|nan|[0-9.]+(?:[eE][-+]?[0-9]+)?)[fF]?))
      \s*[,;]?
    )""", re.X | re.I)


class ParseError(ValueError):
    """A `checkpoint` file that is not a CheckpointState in text format."""


def _escape(text):
    out = []
    for c in text:
        b = ord(c)
        if b in _ESCAPES:
            out.append(_ESCAPES[b])
        elif 0x20 <= b < 0x7F or b >= 0x80:
            out.append(c)
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


def _unescape(quoted):
    """The text of one quoted string of the text format."""
    body, out, i = quoted[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(int(m.group(), 8) & 0xFF)
            i += 1 + len(m.group())
        elif nxt in "xX":
            m = re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:])
            if m is None:
                raise ParseError(f"bad escape in {quoted}")
            out.append(int(m.group(), 16))
            i += 2 + len(m.group())
        elif nxt in _UNESCAPES:
            out.append(_UNESCAPES[nxt])
            i += 2
        else:
            raise ParseError(f"bad escape \\{nxt} in {quoted}")
    try:
        return out.decode()
    except UnicodeDecodeError:
        raise ParseError(f"string {quoted} is not UTF-8") from None


class CheckpointState:
    """Protocol buffer representing the checkpoint state: the latest
    checkpoint's prefix and every not-yet-deleted one, oldest first."""

    def __init__(self, model_checkpoint_path="", all_model_checkpoint_paths=None,
                 all_model_checkpoint_timestamps=None, last_preserved_timestamp=None):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths or [])
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps or [])
        self.last_preserved_timestamp = float(last_preserved_timestamp or 0.0)

    def to_text(self):
        """The message in protobuf text format, as TF's `text_format.MessageToString`."""
        lines = []
        if self.model_checkpoint_path:
            lines.append(f"model_checkpoint_path: {_escape(self.model_checkpoint_path)}")
        lines += [f"all_model_checkpoint_paths: {_escape(p)}"
                  for p in self.all_model_checkpoint_paths]
        lines += [f"all_model_checkpoint_timestamps: {float(t)!r}"
                  for t in self.all_model_checkpoint_timestamps]
        if self.last_preserved_timestamp:
            lines.append(f"last_preserved_timestamp: {self.last_preserved_timestamp!r}")
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_text(cls, text):
        """The CheckpointState of a text-format message; ParseError if it is not one."""
        state, pos = cls(), 0
        while True:
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                break
            pos = m.end()
            name = m.group("name")
            kind = _FIELDS.get(name)
            if kind is None:
                raise ParseError(f"Message type \"tensorflow.CheckpointState\" has no field "
                                 f"named \"{name}\".")
            is_string = m.group("string") is not None
            if is_string != kind.endswith("string"):
                raise ParseError(f"field {name} has a value of the wrong type")
            if is_string:
                value = "".join(_unescape(q) for q in re.findall(
                    r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""", m.group("string")))
            else:
                value = float(m.group("number").rstrip("fF"))
            if kind.startswith("repeated"):
                getattr(state, name).append(value)
            else:
                setattr(state, name, value)
        rest = text[pos:]
        rest = re.sub(r"#[^\n]*", "", rest)
        if rest.strip():
            raise ParseError(f"cannot parse {rest.strip()[:40]!r} in a CheckpointState")
        return state

    def __eq__(self, other):
        return isinstance(other, CheckpointState) and vars(self) == vars(other)

    def __repr__(self):
        return self.to_text()
