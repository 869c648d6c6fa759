from foreigndesk.cli import main

main()
