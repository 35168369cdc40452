namespace Federation.Node.Console;

/// <summary>Anchor type of the console's text (<c>ConsoleText.resx</c>, English). Another language is a
/// <c>ConsoleText.&lt;culture&gt;.resx</c> next to it with the same keys.</summary>
public sealed class ConsoleText;
