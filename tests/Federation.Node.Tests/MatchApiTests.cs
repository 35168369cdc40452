using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Node.Audit;
using Federation.Node.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Node.Tests;

/// <summary>POST /api/v1/match on fr-ofmin against kr-knpa's list: uploads, who may ask, hostile input, and what is left behind.</summary>
public sealed class MatchApiTests(MatchApiTests.Nodes nodes) : IClassFixture<MatchApiTests.Nodes>
{
    /// <summary>kr-knpa publishes the bridge image's PDQ hash; fr-ofmin, with small upload limits, holds it.</summary>
    public sealed class Nodes : IAsyncLifetime
    {
        public const long MaxFileBytes = 1024 * 1024;
        public const long MaxUploadBytes = 2 * 1024 * 1024;

        public TestNode Kr { get; } = new("kr-knpa");
        public TestNode Fr { get; } = new("fr-ofmin")
        {
            Customize = c => c["Node"]!["Matching"] = new JsonObject { ["MaxFileBytes"] = MaxFileBytes, ["MaxUploadBytes"] = MaxUploadBytes },
        };

        public async Task InitializeAsync()
        {
            Kr.Peers.Add(Fr);
            Fr.Peers.Add(Kr);
            await Task.WhenAll(Kr.StartAsync(), Fr.StartAsync());
            await ListSteps.CreateAsync(Kr, "bridge", "all-peers");
            await ListSteps.PublishAsync(Kr, "bridge", "signal,value,classification,legal_basis,tags\n" +
                $"pdq,{MatchSteps.BridgePdq},csam,KR Act 11 art. 2,seized\n");
            await ListSteps.PullAsync(Fr, Kr);
            await MatchSteps.WaitForIndexAsync(Fr, "kr-knpa", "bridge", 1);
        }

        public async Task DisposeAsync()
        {
            await Kr.DisposeAsync();
            await Fr.DisposeAsync();
        }
    }

    private TestNode Fr => nodes.Fr;

    [Fact]
    public async Task An_uploaded_image_and_its_resized_reencoded_variants_match_kr_knpas_entry_within_the_threshold()
    {
        using var officer = MatchSteps.Person(Fr, "officer");
        using var form = MatchSteps.Files(
            ("aaa-orig.jpg", MatchSteps.Image("aaa-orig.jpg"), "image/jpeg"),
            ("square-256x256.jpg", MatchSteps.Image("square-256x256.jpg"), "image/jpeg"),
            ("shrink-a-lot.jpg", MatchSteps.Image("shrink-a-lot.jpg"), "application/octet-stream"));

        var answer = await MatchSteps.AnswerAsync(await officer.PostAsync("api/v1/match", form));

        Assert.Equal(["aaa-orig.jpg", "square-256x256.jpg", "shrink-a-lot.jpg"], answer.Inputs.Select(i => i.Name));
        Assert.Equal(MatchSteps.BridgePdq, answer.Inputs[0].Pdq);
        Assert.Equal(Clients.Sha256Hex(MatchSteps.Image("aaa-orig.jpg")), answer.Inputs[0].Sha256);
        Assert.Equal([0, 12, 16], answer.Inputs.Select(i => Assert.Single(i.Hits).Distance));
        Assert.All(answer.Inputs.Select(i => i.Hits[0]), hit =>
        {
            Assert.Equal(("pdq", MatchSteps.BridgePdq, 31, "kr-knpa", "bridge", 1L), (hit.Signal, hit.Value, hit.Threshold, hit.Origin, hit.ListId, hit.ReleaseVersion));
            Assert.Equal(("csam", "KR Act 11 art. 2", "seized"), (hit.Classification, hit.LegalBasis, hit.Tags));
        });
    }

    [Fact]
    public async Task The_consultation_is_recorded_with_the_hashes_queried_and_the_justification_before_the_answer()
    {
        using var supervisor = MatchSteps.Person(Fr, "supervisor", "review of case 2026-113");
        var image = MatchSteps.Image("square-256x256.jpg");
        using var form = MatchSteps.Files(("photo.jpg", image, "image/jpeg"));

        var answer = await MatchSteps.AnswerAsync(await supervisor.PostAsync("api/v1/match", form));

        var record = (await AccessRecordsAsync("urn:federation:person:fr-ofmin:supervisor"))[^1];
        Assert.Equal(("POST", "/api/v1/match", "review of case 2026-113"), (record.Method, record.Resource, record.Justification));
        Assert.Equal([$"sha256:{answer.Inputs[0].Sha256}", $"md5:{answer.Inputs[0].Md5}", $"pdq:{answer.Inputs[0].Pdq}"], record.Queried!);
    }

    [Fact]
    public async Task The_openapi_document_describes_match_and_feedback()
    {
        using var officer = MatchSteps.Person(Fr, "officer");
        var document = await officer.GetStringAsync("openapi/v1.json");
        Assert.Contains("\"/api/v1/match\"", document);
        Assert.Contains("multipart/form-data", document);
        Assert.Contains("\"/api/v1/feedback\"", document);
        Assert.Contains("\"/api/v1/lists/{origin}/{listId}/feedback\"", document);
    }

    [Theory]
    [InlineData(null, "justification-required")]
    [InlineData("  ", "justification-required")]
    [InlineData("%FF%FE", "justification-invalid")]
    public async Task A_match_without_a_justification_is_refused_and_nothing_is_recorded(string? justification, string reason)
    {
        var before = (await AccessRecordsAsync("urn:federation:person:fr-ofmin:officer")).Count;
        using var officer = MatchSteps.Person(Fr, "officer", null);
        if (justification is not null) officer.DefaultRequestHeaders.TryAddWithoutValidation(Justification.Header, justification);

        using var response = await MatchSteps.HashesAsync(officer, ("pdq", MatchSteps.BridgePdq));

        Assert.Equal(reason, await ProblemReason.Of(response, HttpStatusCode.BadRequest));
        Assert.Equal(before, (await AccessRecordsAsync("urn:federation:person:fr-ofmin:officer")).Count);
    }

    [Theory]
    [InlineData("operator")]
    [InlineData("auditor")]
    public async Task A_person_without_the_officer_or_supervisor_role_is_refused(string role)
    {
        using var person = MatchSteps.Person(Fr, role);
        using var response = await MatchSteps.HashesAsync(person, ("pdq", MatchSteps.BridgePdq));
        Assert.Equal("role-required", await ProblemReason.Of(response, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Another_agencys_officer_is_refused_on_fr_ofmins_agency_port()
    {
        using var krOfficer = Clients.With(Federation.Core.Pki.PemFiles.LoadWithKey(Repo.CertsDev("kr-knpa", "officer.crt"), Repo.CertsDev("kr-knpa", "officer.key")),
            Repo.CertsDev("fr-ofmin", "ca.crt"), Fr.AgencyUrl);
        krOfficer.DefaultRequestHeaders.Add(Justification.Header, "curiosity");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => MatchSteps.HashesAsync(krOfficer, ("pdq", MatchSteps.BridgePdq)));
    }

    public static TheoryData<string, string, string> HostileFiles => new()
    {
        { "not-an-image", "image/png", "image-not-decodable" },
        { "truncated", "image/jpeg", "image-truncated" },
        { "bomb", "image/png", "image-too-many-pixels" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public async Task A_hostile_image_is_refused_with_its_reason_in_bounded_memory(string kind, string contentType, string reason)
    {
        var bytes = kind switch
        {
            "not-an-image" => Encoding.UTF8.GetBytes("just some text, declared as a PNG\n"),
            "truncated" => MatchSteps.Image("aaa-orig.jpg")[..60_000],
            _ => PngDeclaring(50_000, 50_000),
        };
        Assert.True(bytes.Length < 100_000);
        var peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        using var officer = MatchSteps.Person(Fr, "officer");
        using var form = MatchSteps.Files(("evidence", bytes, contentType));

        using var response = await officer.PostAsync("api/v1/match", form);

        Assert.Equal(reason, await ProblemReason.Of(response, HttpStatusCode.UnprocessableEntity));
        Assert.True(Process.GetCurrentProcess().PeakWorkingSet64 - peakBefore < 256L * 1024 * 1024, "the refusal must not allocate the declared pixels");
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_and_not_declared_one_is_matched_by_its_exact_hashes_only()
    {
        using var officer = MatchSteps.Person(Fr, "officer");
        using var form = MatchSteps.Files(("notes.txt", Encoding.UTF8.GetBytes("a video, say"), "application/octet-stream"));

        var answer = await MatchSteps.AnswerAsync(await officer.PostAsync("api/v1/match", form));

        Assert.Null(answer.Inputs[0].Pdq);
        Assert.StartsWith("not an image", answer.Inputs[0].PdqNote);
        Assert.NotNull(answer.Inputs[0].Sha256);
    }

    [Fact]
    public async Task A_file_over_the_limit_and_a_request_over_the_limit_are_refused_with_413()
    {
        using var officer = MatchSteps.Person(Fr, "officer");
        using var oneLargeFile = MatchSteps.Files(("large.bin", new byte[Nodes.MaxFileBytes + 1], "application/octet-stream"));
        using var tooLarge = await officer.PostAsync("api/v1/match", oneLargeFile);
        Assert.Equal("file-too-large", await ProblemReason.Of(tooLarge, HttpStatusCode.RequestEntityTooLarge));

        using var manyFiles = MatchSteps.Files([.. Enumerable.Range(0, 3).Select(i => ($"part{i}.bin", new byte[Nodes.MaxFileBytes - 1000], "application/octet-stream"))]);
        using var wholeTooLarge = await officer.PostAsync("api/v1/match", manyFiles);
        Assert.Equal("upload-too-large", await ProblemReason.Of(wholeTooLarge, HttpStatusCode.RequestEntityTooLarge));

        // Without a Content-Length the limit is enforced while reading.
        using var chunked = MatchSteps.Files([.. Enumerable.Range(0, 3).Select(i => ($"part{i}.bin", new byte[Nodes.MaxFileBytes - 1000], "application/octet-stream"))]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/match") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await officer.SendAsync(request);
        Assert.Equal("upload-too-large", await ProblemReason.Of(chunkedResponse, HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task Nothing_of_an_upload_is_left_on_disk_or_in_the_database()
    {
        var image = MatchSteps.Image("aaa-orig.jpg"); // 361 KB: over ASP.NET's 64 KB in-memory form buffer
        var created = new List<string>();
        using var watcher = new FileSystemWatcher(Path.GetTempPath(), "ASPNETCORE_*") { IncludeSubdirectories = true, EnableRaisingEvents = true };
        watcher.Created += (_, e) => { lock (created) created.Add(e.FullPath); };
        var started = DateTime.UtcNow;

        using var officer = MatchSteps.Person(Fr, "officer");
        using var form = MatchSteps.Files(("aaa-orig.jpg", image, "image/jpeg"));
        await MatchSteps.AnswerAsync(await officer.PostAsync("api/v1/match", form));

        Assert.Empty(created);
        var chunk = image.AsSpan(image.Length / 2, 64).ToArray();
        foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
        {
            var info = new FileInfo(file);
            if (info.LastWriteTimeUtc < started || info.Length < chunk.Length || info.Length > 64 * 1024 * 1024) continue;
            byte[] content;
            try { content = await File.ReadAllBytesAsync(file); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            Assert.True(content.AsSpan().IndexOf(chunk) < 0, $"{file} holds bytes of the upload");
        }
        Assert.Empty(await ColumnsHoldingAsync(chunk));
    }

    /// <summary>Every column of every table of fr-ofmin's database that holds <paramref name="chunk"/> raw, or in base64.</summary>
    private async Task<List<string>> ColumnsHoldingAsync(byte[] chunk)
    {
        var base64 = Convert.ToBase64String(chunk)[4..60]; // whole base64 groups of the chunk, whatever the alignment
        await using var conn = new NpgsqlConnection(Fr.OwnerConnectionString);
        await conn.OpenAsync();
        var columns = new List<(string Schema, string Table, string Column, string Type)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND data_type IN ('bytea', 'text', 'jsonb', 'json', 'character varying')
              AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) columns.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        Assert.Contains(columns, c => c.Table == "active_entries" && c.Column == "value");
        var holding = new List<string>();
        foreach (var (schema, table, column, type) in columns)
        {
            var test = type == "bytea"
                ? $"position($1::bytea in \"{column}\") > 0 OR position(convert_to($2, 'UTF8') in \"{column}\") > 0"
                : $"strpos(\"{column}\"::text, $2) > 0";
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".\"{table}\" WHERE {test}", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = chunk });
            cmd.Parameters.Add(new NpgsqlParameter { Value = base64 });
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) holding.Add($"{schema}.{table}.{column}");
        }
        return holding;
    }

    [Fact]
    public async Task One_persons_parallel_queries_are_all_answered_and_each_is_recorded_in_her_access_stream()
    {
        // The tests of one class run one at a time, so the records added meanwhile are this test's own.
        const string person = "urn:federation:person:fr-ofmin:supervisor";
        var before = (await AccessRecordsAsync(person)).Count;
        using var supervisor = MatchSteps.Person(Fr, "supervisor");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            MatchSteps.HashesAsync(supervisor, ("sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(before + 12, (await AccessRecordsAsync(person)).Count);
    }

    private async Task<IReadOnlyList<AccessRecorded>> AccessRecordsAsync(string person)
    {
        await using var session = Fr.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(AccessLog.StreamPrefix + person);
        return [.. events.Select(e => (AccessRecorded)e.Data)];
    }

    /// <summary>A valid PNG signature and IHDR declaring <paramref name="width"/>×<paramref name="height"/>, and one tiny IDAT.</summary>
    private static byte[] PngDeclaring(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return png.ToArray();

        static void Chunk(Stream s, string type, byte[] data)
        {
            Span<byte> length = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            s.Write(length);
            var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            s.Write(typed);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typed));
            s.Write(length);
        }
    }

    // PNG's CRC-32 (ISO 3309), bit by bit: the chunks here are a few bytes.
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
