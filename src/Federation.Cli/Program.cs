// Placeholder dispatcher: only `hash` exists so far.
if (args is ["hash", .. var rest]) return Federation.Cli.Hashing.HashCommand.Run(rest, Console.Out, Console.Error);
Console.Error.WriteLine("usage: fedctl hash [--json] <file>...");
return 2;
