return Federation.Auditor.Auditor.Run(args, Console.Out, Console.Error, TimeProvider.System);
