using System;
using System.Globalization;

namespace TencentImAttr.Benchmark;

/// <summary>
/// Issue 14's scenario: other traffic (the app's backend, other jobs) takes a share of the app's quota, and the module,
/// configured for the whole quota (CallsPerSecond 100), must find the rest by itself from the rate-limit answers.
/// The other traffic is modelled as steady: the server's sliding-second quota for the module's calls is the quota
/// less the share, so every call over it is answered 60007, as the service would.
/// </summary>
internal static class SharedQuotaRun
{
    /// <summary>The share of the quota the other traffic takes.</summary>
    public const double OtherShare = 0.4;

    /// <summary>Runs <paramref name="runEngine"/> with the server's quota lowered by the share; prints the figures and returns them.</summary>
    public static SharedQuotaFigures Run(BenchServer server, int quota, Func<RunResult> runEngine)
    {
        var left = (int)Math.Round(quota * (1 - OtherShare));
        server.Quota = left;
        RunResult run;
        try
        {
            run = runEngine();
        }
        finally
        {
            server.Quota = quota;
        }
        var accepted = run.Server.Calls - run.Server.RateLimited;
        var figures = new SharedQuotaFigures(
            run,
            accepted / run.Elapsed.TotalSeconds / left,
            run.Server.Calls > 0 ? (double)run.Server.RateLimited / run.Server.Calls : 0,
            run.Sink.Failures);
        Console.WriteLine("Shared quota: other traffic takes {0:P0} of the quota of {1}, leaving {2} calls/s; the module is set for {1}", OtherShare, quota, left);
        Console.WriteLine("  {0:N0} users in {1:N2} s: {2:N0} users/s; {3:N1} calls/s accepted = {4:P1} of the {5} left; {6:N0} of {7:N0} calls refused (60007) = {8:P2}; {9:N0} users failed",
            run.Users, run.Elapsed.TotalSeconds, run.UsersPerSecond, accepted / run.Elapsed.TotalSeconds, figures.ShareReached, left,
            run.Server.RateLimited, run.Server.Calls, figures.RefusedShare, figures.FailedUsers);
        // The first refusals answer calls that were already on the wire: the module learns of the share one round trip
        // after the share is full, so the start costs about a round trip of calls at the starting pace, whatever the
        // run's length. What follows is the adaptive pace's own cost.
        var start = TimeSpan.FromSeconds(2);
        var startRefused = run.Server.RefusedWithin(start);
        var startCalls = run.Server.CallsWithin(start);
        var laterCalls = run.Server.Calls - startCalls;
        var laterRefused = run.Server.RateLimited - startRefused;
        figures.LaterRefusedShare = laterCalls > 0 ? (double)laterRefused / laterCalls : 0;
        Console.WriteLine("  refused in the first {0:N0} s: {1:N0} of {2:N0} calls; after: {3:N0} of {4:N0} = {5:P2}",
            start.TotalSeconds, startRefused, startCalls, laterRefused, laterCalls, figures.LaterRefusedShare);
        Console.WriteLine();
        return figures;
    }
}

/// <summary>What the shared-quota run measured.</summary>
internal sealed class SharedQuotaFigures
{
    public SharedQuotaFigures(RunResult run, double shareReached, double refusedShare, long failedUsers)
    {
        Run = run;
        ShareReached = shareReached;
        RefusedShare = refusedShare;
        FailedUsers = failedUsers;
    }

    public RunResult Run { get; }

    /// <summary>Accepted calls per second over the calls per second left by the other traffic.</summary>
    public double ShareReached { get; }

    /// <summary>Refused calls over all calls the module made.</summary>
    public double RefusedShare { get; }

    /// <summary>Users that failed after all their retries (lost, if not rerun).</summary>
    public long FailedUsers { get; }

    /// <summary>Refused calls over all calls, counting only the calls after the run's first two seconds (the adaptive pace in its steady state).</summary>
    public double LaterRefusedShare { get; set; }

    /// <summary>The RESULT line's part.</summary>
    public string ResultFields => string.Format(CultureInfo.InvariantCulture, "shared_share_reached={0:F2} shared_refused_pct={1:F2} shared_later_refused_pct={2:F2} shared_failed_users={3}", ShareReached, RefusedShare * 100, LaterRefusedShare * 100, FailedUsers);
}
