"""The `checkpoint` state file's text format (train/checkpoint_state.py):
written as protobuf's text_format.MessageToString writes a CheckpointState
(checked by hand here, against TF in tf_parity/), parsed back, escapes
included, and malformed files refused."""

import pytest

from fastgraph.train.checkpoint_state import CheckpointState, ParseError


def test_text_as_tensorflow_writes_it():
    state = CheckpointState("/d/m-2", ["/d/m-1", "/d/m-2"], [1.5, 2.25], 1.0)
    assert state.to_text() == (
        'model_checkpoint_path: "/d/m-2"\n'
        'all_model_checkpoint_paths: "/d/m-1"\n'
        'all_model_checkpoint_paths: "/d/m-2"\n'
        'all_model_checkpoint_timestamps: 1.5\n'
        'all_model_checkpoint_timestamps: 2.25\n'
        'last_preserved_timestamp: 1.0\n')
    assert CheckpointState.from_text(state.to_text()) == state


def test_escapes_round_trip():
    path = 'we"ird\\dir/\tü\n\x01\x7f'
    text = CheckpointState(path).to_text()
    assert text == 'model_checkpoint_path: "we\\"ird\\\\dir/\\tü\\n\\001\\177"\n'
    assert CheckpointState.from_text(text).model_checkpoint_path == path


def test_parser_accepts_text_format_variants():
    text = ("# a comment\n  model_checkpoint_path : 'a' \"b\"  all_model_checkpoint_paths: "
            "\"\\x41\\101\"; last_preserved_timestamp: 3e2\n")
    state = CheckpointState.from_text(text)
    assert state.model_checkpoint_path == "ab"
    assert state.all_model_checkpoint_paths == ["AA"]
    assert state.last_preserved_timestamp == 300.0
    assert CheckpointState.from_text("") == CheckpointState()


@pytest.mark.parametrize("text", [
    "unknown_field: 1\n",
    "model_checkpoint_path: 3\n",
    'last_preserved_timestamp: "x"\n',
    'model_checkpoint_path: "open\n',
    'model_checkpoint_path: "bad \\q escape"\n',
    'model_checkpoint_path "no colon"\n',
])
def test_malformed_text_is_a_parse_error(text):
    with pytest.raises(ParseError):
        CheckpointState.from_text(text)
