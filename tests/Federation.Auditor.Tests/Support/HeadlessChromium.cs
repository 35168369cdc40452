using System.Diagnostics;

namespace Federation.Auditor.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, on a local file: the DOM after the page ran (<c>--dump-dom</c>) or a screenshot.
/// Each run has its own throw-away profile and is killed after <see cref="Timeout"/>.
/// </summary>
internal static class HeadlessChromium
{
    public const string Binary = "/usr/bin/chromium";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static bool Installed => File.Exists(Binary);

    /// <summary>CI must run the browser tests (deploy/local/federation.sh installs Chromium first); elsewhere they are
    /// skipped, saying why, when Chromium is missing.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } || Environment.GetEnvironmentVariable("FEDERATION_REQUIRE_BROWSER") == "1";

    /// <summary>Where screenshots go: <c>FEDERATION_TEST_ARTIFACTS</c> (set by deploy/local/federation.sh to the test
    /// results directory), else TestResults/ beside the test assembly.</summary>
    public static string ArtifactsDirectory()
    {
        var given = Environment.GetEnvironmentVariable("FEDERATION_TEST_ARTIFACTS");
        var dir = Path.Combine(string.IsNullOrEmpty(given) ? Path.Combine(AppContext.BaseDirectory, "TestResults") : given, "report");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The serialized DOM once the page has loaded and had two seconds of (virtual) time to run anything.</summary>
    public static string DumpDom(string htmlFile) => Run(["--dump-dom", "--virtual-time-budget=2000", new Uri(htmlFile).AbsoluteUri]);

    public static void Screenshot(string htmlFile, string pngFile)
    {
        Run([$"--screenshot={pngFile}", "--window-size=1100,2200", "--hide-scrollbars", new Uri(htmlFile).AbsoluteUri]);
        Assert.True(File.Exists(pngFile) && new FileInfo(pngFile).Length > 1000, $"no screenshot at {pngFile}");
    }

    private static string Run(string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("fedaudit-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. The page is our own report file.
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                         "--disable-background-networking", "--disable-dev-shm-usage", $"--user-data-dir={profile}" }.Concat(args))
                start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"chromium did not finish within {Timeout.TotalSeconds} s");
            }
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}

/// <summary>A test that needs <see cref="HeadlessChromium"/>: skipped, with the reason, only when Chromium is absent
/// and the run is not CI.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!HeadlessChromium.Installed && !HeadlessChromium.Required)
            Skip = $"{HeadlessChromium.Binary} is not installed (apt-get install chromium; CI installs it and runs this test)";
    }
}
