from kaohe.cli import main

main()
