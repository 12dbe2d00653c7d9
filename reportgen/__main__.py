from reportgen.cli.main import run

run()
