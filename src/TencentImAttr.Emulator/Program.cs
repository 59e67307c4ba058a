using System.Globalization;

namespace TencentImAttr.Emulator;

/// <summary>The command line: parse the options, start, print how to connect, serve until Ctrl+C or SIGTERM.</summary>
internal static class Program
{
    /// <summary>Runs the emulator; exit code 2 for bad options, 1 when it cannot start.</summary>
    public static async Task<int> Main(string[] args)
    {
        EmulatorOptions? options;
        try
        {
            options = EmulatorOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
        if (options is null)
        {
            Console.WriteLine(EmulatorOptions.Usage);
            return 0;
        }

        RunningEmulator emulator;
        try
        {
            emulator = await EmulatorHost.StartAsync(options).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // IOException covers "address already in use" as Kestrel reports it.
            await Console.Error.WriteLineAsync($"The emulator could not start: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        await using (emulator.ConfigureAwait(false))
        {
            if (options.Verbose) emulator.Service.Log = line => Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");
            PrintBanner(options, emulator.Url);
            await emulator.WaitForShutdownRequestAsync().ConfigureAwait(false);
            Console.WriteLine(options.StateFile is null ? "Stopping." : $"Stopping; saving the state to {options.StateFile}.");
        }
        return 0;
    }

    private static void PrintBanner(EmulatorOptions options, Uri url)
    {
        var baseUri = url.ToString();
        // Tests and scripts read this line to learn the port: keep its wording.
        Console.WriteLine($"Listening on {baseUri.TrimEnd('/')}");
        Console.WriteLine("TencentImAttr emulator: v4/all_member_push/im_* and v4/timpush/* attribute APIs.");
        Console.WriteLine($"  SdkAppId   {options.SdkAppId.ToString(CultureInfo.InvariantCulture)}");
        Console.WriteLine($"  Identifier {options.Admin}");
        // Printing the key is fine here: it is the emulator's own test key (a fake sample unless --key chose another).
        Console.WriteLine($"  SecretKey  {options.SecretKey}{(options.SecretKey == EmulatorOptions.SampleSecretKey ? "  (the emulator's sample key)" : "")}");
        Console.WriteLine($"  Quota {(options.Quota > 0 ? $"{options.Quota} calls/s per API" : "off")}; latency {options.LatencyMs} ms; fail rate {options.FailRate.ToString(CultureInfo.InvariantCulture)}{(options.FailRate > 0 ? $" ({string.Join(", ", options.Faults)})" : "")}; state {options.StateFile ?? "in memory"}"
            + (options.UnknownUserPrefix is null ? "" : $"; timpush accounts starting '{options.UnknownUserPrefix}' do not exist"));
        Console.WriteLine($"Connect: Connect-ImApp -SdkAppId {options.SdkAppId} -Identifier {options.Admin} -SecretKey (ConvertTo-SecureString '{options.SecretKey}' -AsPlainText -Force) -BaseUri {baseUri}");
        Console.WriteLine("Press Ctrl+C to stop.");
    }
}
