using System.Security.Cryptography;
using Federation.Core.Releases;
using ReleaseListId = Federation.Core.Releases.ListId;
using Federation.Node.Hosting;
using Federation.Node.Lists;
using Federation.Node.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Node.Console.Lists;

/// <summary>
/// Publish a release of one of this node's lists from CSV, in two steps: upload and see what would change
/// (<see cref="ReleasePreview"/>), then confirm, which publishes exactly the previewed bytes through
/// <see cref="ReleasePublisher"/>, the agency API's publisher. Same policy as <c>POST /api/v1/lists/{id}/releases</c>.
/// </summary>
[Authorize(Policy = Policies.OfficerOrOperator)]
[RequestFormLimits(MultipartBodyLengthLimit = 2 * ReleasePreview.MaxBytes + 65536, ValueLengthLimit = 2 * ReleasePreview.MaxBytes)]
[RequestSizeLimit(2 * ReleasePreview.MaxBytes + 65536)]
public sealed class PublishModel(ReleasePreview preview, ReleasePublisher publisher, ListsOptions options) : PageModel
{
    public const int ShownRows = 200;

    public string ListId { get; private set; } = "";
    public ReleasePreview.Result? Preview { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The previewed CSV, base64, carried to the confirmation so exactly those bytes are published.</summary>
    [BindProperty] public string? Csv { get; set; }
    [BindProperty] public string? CsvSha256 { get; set; }
    [BindProperty] public int? ExpiresDays { get; set; }
    [BindProperty] public IFormFile? Upload { get; set; }

    public IActionResult OnGet(string listId)
    {
        if (!ReleaseListId.TryParse(listId, out _)) return NotFound();
        ListId = listId;
        ExpiresDays ??= options.DefaultLifetimeDays;
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(string listId, CancellationToken ct)
    {
        if (!ReleaseListId.TryParse(listId, out var id)) return NotFound();
        ListId = listId;
        if (Upload is null || Upload.Length == 0) return Fail("Publish_NoFile");
        if (Upload.Length > ReleasePreview.MaxBytes) return Fail("Publish_TooLarge");
        using var buffer = new MemoryStream();
        await Upload.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        try
        {
            Preview = await preview.PreviewAsync(id, bytes, ct);
        }
        catch (ReleaseFormatException e)
        {
            Error = e.Message;
            return Page();
        }
        if (Preview.Rows.Count == 0) return Fail("Publish_Empty");
        Csv = Convert.ToBase64String(bytes);
        CsvSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(string listId, CancellationToken ct)
    {
        if (!ReleaseListId.TryParse(listId, out var id)) return NotFound();
        ListId = listId;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(Csv ?? "");
        }
        catch (FormatException)
        {
            return Fail("Publish_Changed");
        }
        // The confirmation must carry the bytes that were previewed, not something swapped in between.
        if (bytes.Length == 0 || !string.Equals(CsvSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)), StringComparison.Ordinal))
            return Fail("Publish_Changed");
        if (ExpiresDays is not (>= 1 and <= 3650)) return Fail("Publish_Expires");
        try
        {
            await using var input = new MemoryStream(bytes, writable: false);
            var published = await publisher.PublishAsync(id, input, TimeSpan.FromDays(ExpiresDays.Value), User.Identity!.Name!, ct);
            return Redirect($"/console/lists/{published.Origin}/{published.ListId}?published={published.Version}");
        }
        catch (Refusal e)
        {
            Error = $"{e.Reason}: {e.Detail}";
            Response.StatusCode = e.Status;
            return Page();
        }
    }

    private PageResult Fail(string key)
    {
        Error = key;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
