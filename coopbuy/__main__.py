from coopbuy.cli import main

raise SystemExit(main())
