"""The three seed programs, import swapped, print what TensorFlow prints."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seed"

EXPECTED = {
    "seed_example_1.py": "Variable value: 1.0\nVariable value: 2.0\nVariable value: 3.0\n3.0\n",
    "seed_example_2.py": ("Sum result: [[ 8. 10.]\n [12. 14.]\n [16. 18.]]\n"
                          "Sum result: [[3. 3.]\n [3. 3.]\n [3. 3.]]\n"),
    "seed_example_3.py": "Resized image tensor shape (1, 256, 256, 3)\n",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_program_output(name):
    path = ROOT / "examples" / name
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=120, cwd=str(ROOT / "examples"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_differ_from_seeds_only_in_the_import(name):
    ours = (ROOT / "examples" / name).read_text().splitlines()
    original_path = SEEDS / name
    if not original_path.exists():
        pytest.skip("shared/seed is not beside this checkout")
    original = original_path.read_text().splitlines()
    assert original[0] == "import tensorflow as tf"
    assert ours[0] == "import fastgraph as tf"
    assert ours[1:] == original[1:]
