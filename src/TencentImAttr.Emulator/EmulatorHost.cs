using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace TencentImAttr.Emulator;

/// <summary>Puts an <see cref="EmulatedImService"/> behind Kestrel: the command line and the end-to-end tests start it the same way.</summary>
internal static class EmulatorHost
{
    private const long MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Loads the state file (when given and present), binds to <see cref="EmulatorOptions.Host"/> and
    /// <see cref="EmulatorOptions.Port"/> (0: a free port), and starts serving.
    /// </summary>
    /// <param name="options">The emulator's settings.</param>
    /// <param name="clock">Time for UserSig expiry and the quota; the system clock by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<RunningEmulator> StartAsync(EmulatorOptions options, IEmulatorClock? clock = null, CancellationToken cancellationToken = default)
    {
        var store = options.StateFile is { } file && File.Exists(file) ? AttributeStore.Load(file) : null;
        var service = new EmulatedImService(options, clock, store);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>(), ContentRootPath = AppContext.BaseDirectory });
        // The emulator prints its own lines; the framework's start-up chatter would bury the URL the tests look for.
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(options.Host, options.Port);
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
        });

        var app = builder.Build();
        RequestDelegate handler = context => ServeAsync(context, service, options.LatencyMs);
        app.MapPost("/v4/all_member_push/{api}", handler);
        app.MapPost("/v4/timpush/{api}", handler);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        // Calls held by LateApply land when due even when no other call comes to land them.
        _ = LandHeldCallsAsync(service, app.Lifetime.ApplicationStopping);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        return new RunningEmulator(app, service, new Uri(address.TrimEnd('/') + "/"), options.StateFile);
    }

    private static async Task LandHeldCallsAsync(EmulatedImService service, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await Task.Delay(50, stopping).ConfigureAwait(false);
                service.LandDueCalls();
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping.
        }
    }

    private static async Task ServeAsync(HttpContext context, EmulatedImService service, int latencyMs)
    {
        var aborted = context.RequestAborted;
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(buffer, aborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        if (latencyMs > 0)
        {
            await Task.Delay(latencyMs, aborted).ConfigureAwait(false);
        }
        // Query names are case-sensitive on the real service; ASP.NET's collection is not, so copy it to an ordinal map.
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in context.Request.Query) query[pair.Key] = pair.Value.ToString();

        var response = service.Handle(context.Request.Path.Value ?? "", query, body);
        if (response.DropConnection)
        {
            context.Abort();
            return;
        }
        if (response.Stall)
        {
            // Nothing is written: the wait ends when the client gives up and closes the connection (or the host stops).
            try
            {
                await Task.Delay(Timeout.Infinite, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            return;
        }
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, aborted).ConfigureAwait(false);
    }
}

/// <summary>A started emulator: where it listens, its service, and the way to stop it (which saves the state file).</summary>
internal sealed class RunningEmulator : IAsyncDisposable
{
    private readonly string? _stateFile;
    private int _stopped;

    internal RunningEmulator(WebApplication app, EmulatedImService service, Uri url, string? stateFile)
    {
        App = app;
        Service = service;
        Url = url;
        _stateFile = stateFile;
    }

    /// <summary>The ASP.NET application.</summary>
    public WebApplication App { get; }

    /// <summary>The emulated service (to inspect state in tests).</summary>
    public EmulatedImService Service { get; }

    /// <summary>The base URI to give a client, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownRequestAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        App.Lifetime.ApplicationStopping.Register(() => done.TrySetResult());
        return done.Task;
    }

    /// <summary>Stops serving and saves the state file, once.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        try
        {
            await App.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            if (_stateFile is not null) Service.SaveState(_stateFile);
        }
    }

    /// <summary>Stops (see <see cref="StopAsync"/>) and releases the host.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
