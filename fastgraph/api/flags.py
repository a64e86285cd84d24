"""`tf.compat.v1.flags` (`tf.app.flags`): command-line flags as TF1 programs
define them, absl-style: `flags.DEFINE_integer("steps", 100, "help")`, then
`FLAGS.steps` once the command line is parsed (by `tf.app.run`, by calling
`FLAGS(argv)`, or on the first read of a flag, as TF1's own flags did).
"""

import sys

__all__ = ["FLAGS", "FlagValues", "Error", "IllegalFlagValueError", "UnrecognizedFlagError",
           "DEFINE_string", "DEFINE_integer", "DEFINE_float", "DEFINE_boolean", "DEFINE_bool",
           "DEFINE_enum", "DEFINE_list", "DEFINE_multi_string", "DEFINE_multi_integer",
           "mark_flag_as_required", "mark_flags_as_required"]


class Error(Exception):
    """The base class of the flags errors."""


class IllegalFlagValueError(Error):
    """A flag was given a value it cannot take."""


class UnrecognizedFlagError(Error):
    """The command line names a flag that was never defined."""


_TRUE = {"true", "t", "1", "yes", "y"}
_FALSE = {"false", "f", "0", "no", "n"}


class _Flag:
    def __init__(self, name, default, help_text, parse, boolean=False, multi=False):
        self.name = name
        self.help = help_text
        self.parse = parse
        self.boolean = boolean
        self.multi = multi
        if isinstance(default, str):
            # absl parses a default given as text, as the command line is.
            default = [parse(default)] if multi else parse(default)
        self.default = default
        self.value = self.default
        self.present = False

    def set_from_text(self, text):
        try:
            value = self.parse(text)
        except (ValueError, TypeError) as e:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: {e}") from None
        if self.multi:
            self.value = (self.value if self.present else []) + [value]
        else:
            self.value = value
        self.present = True


def _parse_bool(text):
    if isinstance(text, bool):
        return text
    low = str(text).lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError("Non-boolean argument to boolean flag")


class FlagValues:
    """The registry of flags and their values (absl's FlagValues): read a
    flag as an attribute, set one by assigning it, parse a command line by
    calling the object with argv (it returns the arguments left over)."""

    def __init__(self):
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)
        object.__setattr__(self, "_required", [])

    def _define(self, flag):
        if flag.name in self._flags:
            raise Error(f"The flag '{flag.name}' is defined twice.")
        self._flags[flag.name] = flag

    def __call__(self, argv, known_only=False):
        """Parses the flags in `argv` (argv[0] is the program); returns
        [argv[0]] plus the arguments that are not flags."""
        argv = list(argv)
        rest = argv[:1]
        args = iter(argv[1:])
        for arg in args:
            if arg == "--":
                rest.extend(args)
                break
            if not arg.startswith("-") or arg == "-":
                rest.append(arg)
                continue
            body = arg.lstrip("-")
            name, has_value, text = body.partition("=")
            flag = self._flags.get(name)
            if flag is None and name.startswith("no") and not has_value:
                negated = self._flags.get(name[2:])
                if negated is not None and negated.boolean:
                    negated.set_from_text(False)
                    continue
            if flag is None:
                if known_only:
                    rest.append(arg)
                    continue
                raise UnrecognizedFlagError(f"Unknown command line flag '{name}'")
            if flag.boolean and not has_value:
                flag.set_from_text(True)
                continue
            if not has_value:
                text = next(args, None)
                if text is None:
                    raise Error(f"Flag --{name} must have a value other than None.")
            flag.set_from_text(text)
        object.__setattr__(self, "_parsed", True)
        for name in self._required:
            if self._flags[name].value is None:
                raise IllegalFlagValueError(f"flag --{name}=None: Flag --{name} must have a "
                                            f"value other than None.")
        return rest

    def is_parsed(self):
        """Whether the command line has been parsed."""
        return self._parsed

    def mark_as_parsed(self):
        """Takes the flags as parsed, keeping their defaults."""
        object.__setattr__(self, "_parsed", True)

    def __getattr__(self, name):
        flags = object.__getattribute__(self, "_flags")
        if name not in flags:
            raise AttributeError(name)
        if not object.__getattribute__(self, "_parsed"):
            # TF1's flags parsed the command line on the first read; the
            # program's own arguments may include others' (pytest's).
            self(sys.argv, known_only=True)
        return flags[name].value

    def __setattr__(self, name, value):
        if name not in self._flags:
            raise AttributeError(f"Unknown flag {name!r}")
        self._flags[name].value = value
        self._flags[name].present = True

    def __contains__(self, name):
        return name in self._flags

    def __iter__(self):
        return iter(self._flags)

    def __getitem__(self, name):
        return self._flags[name]

    def flag_values_dict(self):
        """{flag name: value}."""
        return {n: f.value for n, f in self._flags.items()}

    def get_flag_value(self, name, default):
        """The value of flag `name`, or `default` when there is none."""
        flag = self._flags.get(name)
        return default if flag is None else flag.value


FLAGS = FlagValues()


def _define(name, default, help_text, parse, flag_values, **kinds):
    (flag_values or FLAGS)._define(_Flag(name, default, help_text, parse, **kinds))


def DEFINE_string(name, default, help, flag_values=None, **kwargs):  # noqa: N802,A002
    """Registers a flag whose value can be any string."""
    _define(name, default, help, str, flag_values)


def DEFINE_integer(name, default, help, lower_bound=None, upper_bound=None,  # noqa: N802,A002
                   flag_values=None, **kwargs):
    """Registers a flag whose value must be an integer."""
    def parse(text):
        value = int(text)
        if (lower_bound is not None and value < lower_bound) or (
                upper_bound is not None and value > upper_bound):
            raise ValueError(f"{value} is not in the range [{lower_bound}, {upper_bound}]")
        return value
    _define(name, default, help, parse, flag_values)


def DEFINE_float(name, default, help, lower_bound=None, upper_bound=None,  # noqa: N802,A002
                 flag_values=None, **kwargs):
    """Registers a flag whose value must be a float."""
    def parse(text):
        value = float(text)
        if (lower_bound is not None and value < lower_bound) or (
                upper_bound is not None and value > upper_bound):
            raise ValueError(f"{value} is not in the range [{lower_bound}, {upper_bound}]")
        return value
    _define(name, default, help, parse, flag_values)


def DEFINE_boolean(name, default, help, flag_values=None, **kwargs):  # noqa: N802,A002
    """Registers a boolean flag: `--name`, `--noname`, `--name=false`."""
    _define(name, default, help, _parse_bool, flag_values, boolean=True)


DEFINE_bool = DEFINE_boolean


def DEFINE_enum(name, default, enum_values, help, flag_values=None, **kwargs):  # noqa: N802,A002
    """Registers a flag whose value is one of `enum_values`."""
    def parse(text):
        if text not in enum_values:
            raise ValueError(f"value should be one of <{'|'.join(enum_values)}>")
        return text
    _define(name, default, help, parse, flag_values)


def DEFINE_list(name, default, help, flag_values=None, **kwargs):  # noqa: N802,A002
    """Registers a flag whose value is a comma-separated list of strings."""
    def parse(text):
        if isinstance(text, (list, tuple)):
            return list(text)
        return [s.strip() for s in text.split(",") if s.strip()]
    _define(name, default, help, parse, flag_values)


def DEFINE_multi_string(name, default, help, flag_values=None, **kwargs):  # noqa: N802,A002
    """Registers a flag that may be given several times; its value is the list."""
    _define(name, list(default) if isinstance(default, (list, tuple)) else default, help, str,
            flag_values, multi=True)


def DEFINE_multi_integer(name, default, help, flag_values=None, **kwargs):  # noqa: N802,A002
    """Registers an integer flag that may be given several times."""
    _define(name, list(default) if isinstance(default, (list, tuple)) else default, help, int,
            flag_values, multi=True)


def mark_flag_as_required(flag_name, flag_values=None):
    """Parsing fails unless flag `flag_name` gets a value other than None."""
    (flag_values or FLAGS)._required.append(flag_name)


def mark_flags_as_required(flag_names, flag_values=None):
    """`mark_flag_as_required` for each name."""
    for n in flag_names:
        mark_flag_as_required(n, flag_values)
