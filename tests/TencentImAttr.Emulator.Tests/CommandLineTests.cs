using System.Diagnostics;
using System.Globalization;
using System.Text;
using TencentImAttr.Core.Auth;

namespace TencentImAttr.Emulator.Tests;

/// <summary>
/// The emulator as a separate process, as scripts and the Pester tests start it: the "Listening on" line gives the
/// port, SIGTERM (or Ctrl+C) stops it and saves the state file, bad options exit with 2.
/// </summary>
public sealed class CommandLineTests
{
    private const string Key = "command-line-test-key";

    // The referenced emulator project is copied next to the tests, with its runtimeconfig.
    private static readonly string EmulatorDll = Path.Combine(AppContext.BaseDirectory, "TencentImAttr.Emulator.dll");

    [Fact]
    public async Task Port_zero_prints_the_url_and_sigterm_saves_the_state()
    {
        var state = Path.Combine(Path.GetTempPath(), $"emulator-cli-{Guid.NewGuid():N}.json");
        using var process = Start("--port", "0", "--key", Key, "--state-file", state);
        try
        {
            var url = await ReadUrlAsync(process);
            Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);

            using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
            var set = await PostAsync(http, "v4/all_member_push/im_set_attr_name", """{"AttrNames":{"0":"city"}}""");
            Assert.Contains("\"ActionStatus\":\"OK\"", set, StringComparison.Ordinal);

            if (OperatingSystem.IsWindows()) return;   // no SIGTERM there; the finally block ends the process
            using (var kill = Process.Start("kill", $"-TERM {process.Id.ToString(CultureInfo.InvariantCulture)}"))
            {
                await kill.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("\"0\": \"city\"", await File.ReadAllTextAsync(state), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            File.Delete(state);
        }
    }

    [Fact]
    public async Task Help_exits_zero_and_bad_options_exit_two()
    {
        using (var help = Start("--help"))
        {
            var text = await help.StandardOutput.ReadToEndAsync();
            await help.WaitForExitAsync();
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("--fail-rate", text, StringComparison.Ordinal);
            Assert.Contains("--faults", text, StringComparison.Ordinal);
            Assert.Contains("--static-usersig", text, StringComparison.Ordinal);
        }
        using var bad = Start("--port", "nope");
        var error = await bad.StandardError.ReadToEndAsync();
        await bad.WaitForExitAsync();
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--port", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fault_kinds_and_a_static_user_sig_are_taken_from_the_command_line()
    {
        using var process = Start("--port", "0", "--static-usersig", "ready-made", "--fail-rate", "1", "--faults", "Truncate");
        try
        {
            var url = await ReadUrlAsync(process);
            // The banner's next lines name the kinds injected.
            var banner = new StringBuilder();
            while (await process.StandardOutput.ReadLineAsync() is { } line && !line.StartsWith("Connect:", StringComparison.Ordinal)) banner.AppendLine(line);
            Assert.Contains("fail rate 1 (Truncate)", banner.ToString(), StringComparison.Ordinal);

            using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
            using var response = await http.PostAsync("v4/all_member_push/im_get_attr_name?usersig=ready-made&identifier=administrator&sdkappid=1400000000&random=7&contenttype=json",
                new StringContent("{}", Encoding.UTF8, "application/json"));
            // Truncate applies the call first, so the cut answer shows what the UserSig check said: OK.
            var text = await response.Content.ReadAsStringAsync();
            Assert.StartsWith("{\"ActionStatus\":\"OK\"", text, StringComparison.Ordinal);
            Assert.ThrowsAny<System.Text.Json.JsonException>(() => System.Text.Json.JsonDocument.Parse(text));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(EmulatorDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("The emulator did not start.");
    }

    private static async Task<string> ReadUrlAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("Listening on ", StringComparison.Ordinal)) return line["Listening on ".Length..].Trim();
        }
        throw new InvalidOperationException("The emulator exited before printing its URL: " + await process.StandardError.ReadToEndAsync());
    }

    private static async Task<string> PostAsync(HttpClient http, string path, string body)
    {
        var sig = UserSigGenerator.Generate(1400000000, "administrator", Encoding.UTF8.GetBytes(Key), DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        var uri = $"{path}?usersig={Uri.EscapeDataString(sig)}&identifier=administrator&sdkappid=1400000000&random=7&contenttype=json";
        using var response = await http.PostAsync(uri, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
