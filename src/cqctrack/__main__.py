from cqctrack.cli import main

main()
