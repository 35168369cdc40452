using Federation.Core.Envelopes;
using Federation.Core.Ledger;
using Federation.Core.Matching;
using Federation.Core.Releases;
using Federation.Core.Requests;
using SharpFuzz;

namespace Federation.Fuzz;

/// <summary>
/// One AFL++ target per parser that reads bytes a peer or a person chose. Each target swallows exactly the refusal
/// its parser documents (the node turns those into a named reason); anything else escaping — an index out of range,
/// a null reference, an overflow, a hang — is a finding, and AFL++ keeps the input that caused it.
/// </summary>
public static class Program
{
    // Created on first use, inside the fuzz loop: instrumented code must not run before AFL++'s shared memory is mapped.
    private static PdqHasher? _pdq;

    private static readonly Dictionary<string, Action<byte[]>> Targets = new()
    {
        ["release"] = Release,
        ["envelope"] = Envelope,
        ["csv"] = Csv,
        ["note"] = Note,
        ["case-step"] = CaseStep,
        ["image"] = Image,
    };

    public static async Task<int> Main(string[] args)
    {
        if (args is ["seeds", var directory, var imageSeed])
        {
            await Seeds.WriteAsync(directory, imageSeed);
            return 0;
        }
        if (args.Length is < 1 or > 2 || !Targets.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: Federation.Fuzz <{string.Join('|', Targets.Keys)}> [input-file] | seeds <dir> <image>");
            return 2;
        }
        // With a file: run that one input in-process (what a regression check or a crash triage needs).
        if (args.Length == 2)
        {
            target(File.ReadAllBytes(args[1]));
            Console.WriteLine("ok");
            return 0;
        }
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target(copy.ToArray());
        });
        return 0;
    }

    private static void Release(byte[] input)
    {
        try
        {
            using var stream = new MemoryStream(input, writable: false);
            var reader = ReleaseReader.OpenAsync(stream).GetAwaiter().GetResult();
            var changes = reader.ReadChangesAsync().GetAsyncEnumerator();
            try
            {
                while (changes.MoveNextAsync().AsTask().GetAwaiter().GetResult()) { }
            }
            finally
            {
                changes.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (ReleaseFormatException) { }
    }

    private static void Envelope(byte[] input)
    {
        try
        {
            using var envelope = SignedEnvelope.Decode(input);
        }
        catch (EnvelopeRefusal) { }
    }

    private static void Csv(byte[] input)
    {
        try
        {
            using var stream = new MemoryStream(input, writable: false);
            var rows = EntryCsv.ReadAsync(stream).GetAsyncEnumerator();
            try
            {
                while (rows.MoveNextAsync().AsTask().GetAwaiter().GetResult()) { }
            }
            finally
            {
                rows.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (FormatException) { }
    }

    private static void Note(byte[] input)
    {
        try
        {
            var note = SignedNote.Parse(input);
            // A checkpoint is a note whose body parses as one; both are what a peer's witness answers carry.
            Checkpoint.TryParse(note.Text, out _, out _, out _);
        }
        catch (NoteFormatException) { }
    }

    private static void CaseStep(byte[] input)
    {
        try
        {
            CaseStepDocument.Parse(input);
        }
        catch (FormatException) { }
    }

    private static void Image(byte[] input)
    {
        try
        {
            (_pdq ??= new PdqHasher(maxPixels: 4_000_000)).Hash(input);
        }
        catch (ImageRejectedException) { }
    }
}
