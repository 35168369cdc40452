using System.Text.Json;
using Federation.Core.Matching;
using Federation.Node.Audit;
using Federation.Node.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Federation.Node.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Federation.Node.Matching;

/// <summary>
/// <c>POST /api/v1/match</c>: files (multipart/form-data) or hashes (JSON) looked up in every list the node holds.
/// The multipart body is read section by section with <see cref="MultipartReader"/>, never through the form
/// collection (<c>IFormFile</c>), which would spill any part over 64 KB to a temporary file: each file goes from the
/// socket into one pooled buffer, is hashed, and is zeroed.
/// </summary>
public static class MatchApi
{
    /// <summary>A JSON body's limit: hashes only, so small.</summary>
    public const int MaxJsonBytes = 1024 * 1024;

    public sealed record HashQuery(string Signal, string Value, int? Quality);

    public sealed record HashesRequest(IReadOnlyList<HashQuery>? Hashes);

    public static void MapMatchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/match", Match)
            .RequireAuthorization(Policies.OfficerOrSupervisor)
            .RequireJustification(recordedByEndpoint: true)
            .RefusedAs("the media was not matched")
            .WithTags("Matching")
            // One Accepts: routing answers 415 for a content type outside the last one declared.
            .Accepts<HashesRequest>("application/json", "multipart/form-data")
            .Produces<MatchAnswer>()
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(503)
            .WithSummary("Match files (multipart, hashed in memory, never stored) or hashes (JSON) against every list this node holds.")
            .WithDescription("multipart/form-data: one or more file parts (any field name, with a filename); image/* parts, or parts "
                + "whose bytes are a JPEG, PNG, GIF or WebP, are also hashed with PDQ and must decode (422 otherwise). application/json: "
                + "{\"hashes\": [{\"signal\": \"sha256|md5|pdq\", \"value\": \"hex\", \"quality\": 0-100}]}. Requires the X-Justification "
                + "header; the consultation is logged with the hashes queried, never the media.");
    }

    private static async Task<Results<Ok<MatchAnswer>, ProblemHttpResult>> Match(HttpContext http, MatchService matcher, UploadHasher hasher, MatchingOptions options, CancellationToken ct)
    {
        var request = http.Request;
        if (request.ContentLength > options.MaxUploadBytes)
            return Problems.Result(413, "upload-too-large", $"the request is larger than {options.MaxUploadBytes} bytes");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = options.MaxUploadBytes;
        var who = Consultant.Of(http);
        var justification = AccessLog.JustificationOf(http);
        try
        {
            IReadOnlyList<MatchInput> inputs;
            if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                inputs = await ReadFilesAsync(request, type, hasher, options, ct);
            else if (request.HasJsonContentType())
                inputs = await ReadHashesAsync(request, ct);
            else
                return Problems.Result(415, "content-type-unsupported", "send multipart/form-data with files, or application/json with hashes");
            return TypedResults.Ok(await matcher.MatchAsync(inputs, who, justification, MatchService.Channel.Api, ct));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Result(413, "upload-too-large", $"the request is larger than {options.MaxUploadBytes} bytes");
        }
        catch (InvalidDataException e) // MultipartReader: malformed, or a section's headers too long
        {
            return Problems.Result(400, "multipart-invalid", "the multipart body is malformed", e.Message);
        }
    }

    private static async Task<IReadOnlyList<MatchInput>> ReadFilesAsync(HttpRequest request, MediaTypeHeaderValue type, UploadHasher hasher, MatchingOptions options, CancellationToken ct)
    {
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) throw new Refusal(400, "multipart-invalid", "the multipart content type has no boundary");
        // BodyLengthLimit stays off: UploadHasher stops a file at MaxFileBytes with a precise problem.
        var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        var inputs = new List<MatchInput>();
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                throw new Refusal(400, "multipart-invalid", "every part must be a file (Content-Disposition: form-data; name=…; filename=…)");
            if (inputs.Count == options.MaxInputs)
                throw new Refusal(400, "too-many-inputs", $"at most {options.MaxInputs} files per request");
            var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            inputs.Add(await hasher.HashAsync(section.Body, Path.GetFileName(name), section.ContentType, ct));
        }
        return inputs;
    }

    private static async Task<IReadOnlyList<MatchInput>> ReadHashesAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxJsonBytes) throw new Refusal(413, "upload-too-large", $"a JSON body is at most {MaxJsonBytes} bytes");
        HashesRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<HashesRequest>(new LimitedStream(request.Body, MaxJsonBytes), JsonSerializerOptions.Web, ct);
        }
        catch (JsonException e)
        {
            throw new Refusal(400, "hashes-invalid", $"not a JSON object {{\"hashes\": [{{\"signal\", \"value\"}}]}}: {e.Message}");
        }
        var inputs = new List<MatchInput>();
        foreach (var (hash, i) in (body?.Hashes ?? []).Select((h, i) => (h, i)))
        {
            var value = hash?.Value ?? "";
            inputs.Add(hash?.Signal switch
            {
                "sha256" when Sha256Hash.TryParse(value, out var sha256) => new MatchInput(null, null, sha256, null, null, null),
                "md5" when Md5Hash.TryParse(value, out var md5) => new MatchInput(null, null, null, md5, null, null),
                "pdq" when PdqHash.TryParse(value, out var pdq) && hash.Quality is null or (>= 0 and <= 100) =>
                    new MatchInput(null, null, null, null, new PdqResult(pdq, hash.Quality ?? 100),
                        hash.Quality < PdqResult.MinimumQuality ? $"PDQ quality {hash.Quality} is below {PdqResult.MinimumQuality}: not matched" : null),
                _ => throw new Refusal(400, "hashes-invalid", $"hashes[{i}]: expected signal sha256, md5 or pdq with a hex value of its length (and a quality 0-100 for pdq)"),
            });
        }
        return inputs;
    }

    // Stops reading a JSON body past its limit even when no Content-Length was sent (chunked).
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var read = await inner.ReadAsync(buffer, ct);
            _read += read;
            return _read > limit ? throw new Refusal(413, "upload-too-large", $"a JSON body is at most {limit} bytes") : read;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
