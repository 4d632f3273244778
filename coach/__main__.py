from coach.cli.main import cli

cli()
