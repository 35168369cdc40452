using Federation.Node.Audit;
using Federation.Node.Hosting;
using Federation.Node.Matching;
using Federation.Node.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Federation.Node.Console.Match;

/// <summary>
/// Files dropped on the Match screen, posted by its script, answered with the results as an HTML fragment. The body
/// is read part by part and each file hashed in memory by <see cref="MatchService"/> — never through the form
/// collection, which would spill large parts to temporary files. So the antiforgery token must come in the
/// <c>X-CSRF-TOKEN</c> header (validated here by hand: the automatic check would read the form to look for it).
/// </summary>
[Authorize(Policy = Policies.OfficerOrSupervisor)]
[IgnoreAntiforgeryToken]
public sealed class FilesModel(MatchService matcher, MatchingOptions options, IAntiforgery antiforgery, ConsoleNavigation navigation, NodeSettingsMonitor settings) : PageModel
{
    public MatchAnswer? Answer { get; private set; }
    public string? Error { get; private set; }
    public bool MaySendFeedback { get; private set; }
    public bool MayStartRequest { get; private set; }

    public MatchResults Results(MatchAnswer answer) => new(answer, MaySendFeedback, MayStartRequest, settings.Current.NodeId.Value);

    // No handler parameters (not even a CancellationToken): binding any would create MVC's form value provider,
    // which reads the whole form first.
    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (string.IsNullOrEmpty(Request.Headers["X-CSRF-TOKEN"]) || !await antiforgery.IsRequestValidAsync(HttpContext))
            return BadRequest();
        MaySendFeedback = await navigation.MayAsync(User, Policies.Officer);
        MayStartRequest = await navigation.MayAsync(User, IndexModel.NewRequestPolicy);
        if (Request.ContentLength > options.MaxUploadBytes) return Fail("upload-too-large", StatusCodes.Status413PayloadTooLarge);
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.MaxUploadBytes;
        if (!MediaTypeHeaderValue.TryParse(Request.ContentType, out var type) || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            return Fail("multipart-invalid", StatusCodes.Status400BadRequest);
        // The justification comes in a header too (percent-encoded like the API's X-Justification), before the files.
        var justification = Uri.UnescapeDataString(Request.Headers["X-Justification"].ToString());
        var reader = new MultipartReader(boundary, Request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        var files = new List<MatchService.File>();
        var buffers = new List<MemoryStream>();
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var d) || !d.IsFileDisposition()) continue;
                if (files.Count == options.MaxInputs) return Fail("too-many-inputs", StatusCodes.Status400BadRequest);
                var name = HeaderUtilities.RemoveQuotes(d.FileNameStar.HasValue ? d.FileNameStar : d.FileName).Value;
                // MatchService reads each stream once, in order; the section stream is only valid until the next one.
                var copy = new MemoryStream();
                buffers.Add(copy);
                await section.Body.CopyToAsync(copy, ct);
                copy.Position = 0;
                files.Add(new MatchService.File(copy, Path.GetFileName(name), section.ContentType));
            }
            Answer = await matcher.MatchFilesAsync(files, Consultant.Of(HttpContext), justification, IndexModel.Channel, ct);
            return Page();
        }
        catch (Refusal e)
        {
            return Fail($"{e.Reason}: {e.Detail}", e.Status);
        }
        catch (InvalidDataException)
        {
            return Fail("multipart-invalid", StatusCodes.Status400BadRequest);
        }
        finally
        {
            // The media never outlives the request: zero the copies before they go back to the allocator.
            foreach (var b in buffers)
            {
                if (b.TryGetBuffer(out var bytes)) Array.Clear(bytes.Array!, bytes.Offset, bytes.Count);
                await b.DisposeAsync();
            }
        }
    }

    private PageResult Fail(string error, int status)
    {
        Error = error;
        Response.StatusCode = status;
        return Page();
    }
}
