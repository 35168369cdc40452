return Federation.Cli.FedCtl.Run(args, Console.Out, Console.Error, TimeProvider.System);
