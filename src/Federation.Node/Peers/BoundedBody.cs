using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Federation.Node.Peers;

/// <summary>
/// Reads what a peer answers without trusting it: a hard byte cap counted on the bytes that actually arrive (a
/// chunked body has no <c>Content-Length</c>, and a declared one may lie), an idle timeout on the headers and on every
/// read (a peer that trickles or stalls is cut off, whatever the caller's overall deadline), and for JSON a depth
/// limit checked before anything is bound. Memory grows only with bytes received, up to the cap. Every breach is a
/// <see cref="PeerAnswerRefused"/> with its reason; the caller's own cancellation passes through unchanged.
/// </summary>
public static class BoundedBody
{
    private const int Chunk = 64 * 1024;

    /// <summary>Sends <paramref name="request"/> and returns once the headers are in, at most <paramref name="idle"/>
    /// later; the body is left unread for <see cref="ReadAsync"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, TimeSpan idle, CancellationToken ct)
    {
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        headers.CancelAfter(idle);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Our idle timer, or HttpClient.Timeout: either way the peer did not answer in time.
            throw new PeerAnswerRefused(PeerAnswerRefused.PeerTooSlow, $"no answer headers from {request.RequestUri} within {Seconds(idle)} s");
        }
    }

    /// <summary>A GET through <see cref="SendAsync"/>.</summary>
    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, TimeSpan idle, CancellationToken ct) =>
        SendAsync(client, new HttpRequestMessage(HttpMethod.Get, path), idle, ct);

    /// <summary>The whole body, refused with <paramref name="tooLarge"/> as soon as it declares or delivers more than
    /// <paramref name="maxBytes"/>, and with <c>peer-too-slow</c> when no byte arrives for <paramref name="idle"/>.</summary>
    public static async Task<byte[]> ReadAsync(HttpContent content, long maxBytes, string tooLarge, TimeSpan idle, CancellationToken ct)
    {
        if (maxBytes < 0 || maxBytes > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(maxBytes));
        if (content.Headers.ContentLength is { } declared && declared > maxBytes)
            throw new PeerAnswerRefused(tooLarge, $"the peer declares {declared} bytes; at most {maxBytes} are taken");

        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
        quiet.CancelAfter(idle);
        // Never more up front than 1 MiB, whatever is declared: a lying Content-Length must not reserve memory.
        using var buffer = new MemoryStream((int)Math.Min(Math.Min(content.Headers.ContentLength ?? Chunk, maxBytes), 1 << 20));
        var chunk = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            await using var body = await content.ReadAsStreamAsync(quiet.Token);
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, Chunk), quiet.Token)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                    throw new PeerAnswerRefused(tooLarge, $"the peer sent more than {maxBytes} bytes");
                buffer.Write(chunk, 0, read);
                quiet.CancelAfter(idle);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && quiet.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new PeerAnswerRefused(PeerAnswerRefused.PeerTooSlow, $"no data for {Seconds(idle)} s after {buffer.Length} bytes");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>A JSON body read as <see cref="ReadAsync"/> does, refused with <c>json-too-deep</c> when it nests deeper
    /// than <paramref name="maxDepth"/>, and with <paramref name="malformed"/> when it does not bind to <typeparamref name="T"/>.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpContent content, long maxBytes, string tooLarge, int maxDepth, string malformed, TimeSpan idle, CancellationToken ct)
    {
        var bytes = await ReadAsync(content, maxBytes, tooLarge, idle, ct);
        CheckDepth(bytes, maxDepth, malformed);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, new JsonSerializerOptions(JsonSerializerDefaults.Web) { MaxDepth = maxDepth })
                ?? throw new PeerAnswerRefused(malformed, "the answer is JSON null");
        }
        catch (JsonException e)
        {
            throw new PeerAnswerRefused(malformed, e.Message);
        }
    }

    /// <summary>Walks the tokens once with a reader that stops at <paramref name="maxDepth"/>, so that too deep is told
    /// apart from malformed before the serializer sees it.</summary>
    private static void CheckDepth(ReadOnlySpan<byte> json, int maxDepth, string malformed)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read()) { }
        }
        catch (JsonException e)
        {
            if (reader.CurrentDepth >= maxDepth - 1)
                throw new PeerAnswerRefused(PeerAnswerRefused.JsonTooDeep, $"the answer nests deeper than {maxDepth} levels");
            throw new PeerAnswerRefused(malformed, e.Message);
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
