from reportgen.cli.main import run

if __name__ == "__main__":  # not again in a spawned worker process
    run()
