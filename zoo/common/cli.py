"""absl command lines that each keep their flags in their own namespace.

`python -m zoo.compare` and `python -m tuning.search` share flag names
(`--dataset`, `--losses`, ...). Defined in absl's global `flags.FLAGS`, the
two modules could not be imported into one process (a test run, a notebook)
without `DuplicateFlagError`; so each command defines its flags in a private
`flags.FlagValues` and parses them with `run()`.
"""

import sys

from absl import app, flags

HELP_FLAGS = ("--help", "-h", "--helpshort", "--helpfull", "-?")


def parser(flag_values, program_name):
    """An absl `flags_parser` for `flag_values` with `--help` and one-line errors."""

    def parse(argv):
        if any(arg in HELP_FLAGS for arg in argv[1:]):
            print(f"usage: python -m {program_name} [flags]\n")
            print(flag_values.get_help())
            sys.exit(0)
        try:
            remaining = flag_values(argv)
        except flags.Error as error:
            print(f"{program_name}: error: {error} (see --help)", file=sys.stderr)
            sys.exit(2)
        # absl.app requires its global flags (logging's) to be parsed too.
        if not flags.FLAGS.is_parsed():
            flags.FLAGS(argv[:1])
        return remaining

    return parse


def run(main, flag_values, program_name):
    """Run `main(argv) -> exit code` as a command with flags `flag_values`."""
    app.run(lambda argv: sys.exit(main(argv)), flags_parser=parser(flag_values, program_name))


def define_distributed_flags(flag_values):
    """`--tuner_id`, `--oracle_ip`, `--oracle_port`: the role in a distributed run (`zoo.sweeps.distributed.configure`).

    Each overrides its keras-tuner environment variable; all unset means a run on this machine alone.
    """
    flags.DEFINE_string(
        "tuner_id",
        None,
        "Distributed: 'chief' or a worker id such as 'tuner0' (default: $KERASTUNER_TUNER_ID; unset: not distributed).",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "oracle_ip", None, "Distributed: the chief's address (default: $KERASTUNER_ORACLE_IP).", flag_values=flag_values
    )
    flags.DEFINE_integer(
        "oracle_port",
        None,
        "Distributed: the chief's port (default: $KERASTUNER_ORACLE_PORT).",
        flag_values=flag_values,
    )
