using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TencentImAttr.Models;

/// <summary>
/// What a bulk command did, written once at its end on the Information stream (tags TencentImAttr and Summary):
/// read it with -InformationVariable, or see its one line with -InformationAction Continue.
/// </summary>
public sealed class BulkRunSummary
{
    internal BulkRunSummary(string operation, long users, long done, IReadOnlyDictionary<string, long> failedByErrorId, long notSent,
        long retries, long paceAdjustments, TimeSpan elapsed, bool stopped, long readCalls = 0, long writeCalls = 0, long? drifted = null)
    {
        ReadCalls = readCalls;
        WriteCalls = writeCalls;
        Drifted = drifted;
        Operation = operation;
        Users = users;
        Done = done;
        FailedByErrorId = failedByErrorId;
        NotSent = notSent;
        Retries = retries;
        PaceAdjustments = paceAdjustments;
        Elapsed = elapsed;
        Stopped = stopped;
    }

    /// <summary>The command (Set-ImUserAttribute, ...).</summary>
    public string Operation { get; }

    /// <summary>Users taken from the input, bad ones included.</summary>
    public long Users { get; }

    /// <summary>Users that succeeded.</summary>
    public long Done { get; }

    /// <summary>Users reported as errors.</summary>
    public long Failed => FailedByErrorId.Values.Sum();

    /// <summary>The failed users per error id (the first part of the error's FullyQualifiedErrorId).</summary>
    public IReadOnlyDictionary<string, long> FailedByErrorId { get; }

    /// <summary>Users not sent because their call was declined (-WhatIf, or "No" at a -Confirm prompt).</summary>
    public long NotSent { get; }

    /// <summary>Calls sent again after a transient failure.</summary>
    public long Retries { get; }

    /// <summary>Times the pace of calls was changed during the run.</summary>
    public long PaceAdjustments { get; }

    /// <summary>
    /// HTTP requests sent to the read APIs (get attributes, get tags, get the app's names), retries included: the
    /// reads a -Replace sync makes before it writes (and the read-backs of a check), counted where every call is sent.
    /// </summary>
    public long ReadCalls { get; }

    /// <summary>HTTP requests sent to the write APIs (set, remove, add, clear tags, register names), retries included.</summary>
    public long WriteCalls { get; }

    /// <summary>
    /// -Replace: the users found different from the source (under -WhatIf, the users that would change); null for a
    /// run that is not a sync.
    /// </summary>
    public long? Drifted { get; }

    /// <summary>Time from the command's start to this summary.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Users finished (done or failed) per second.</summary>
    public double UsersPerSecond => Elapsed.TotalSeconds > 0 ? (Done + Failed) / Elapsed.TotalSeconds : 0;

    /// <summary>-Verify: users read back after their write and compared with what was meant; null when the run did not verify.</summary>
    public long? Verified { get; internal set; }

    /// <summary>-Verify: of those, the users found different at the first read-back and sent once more (those still different are failed as ImVerifyMismatch); null when the run did not verify.</summary>
    public long? Mismatched { get; internal set; }

    /// <summary>-Resume: the users skipped because the journal records them done, at the same position, with the same change; null when the run did not resume.</summary>
    public long? Skipped { get; internal set; }

    /// <summary>The command stopped before its end (an error with -ErrorAction Stop, Select-Object -First, Ctrl+C); users in flight have no outcome.</summary>
    public bool Stopped { get; }

    /// <summary>
    /// The one line shown: "Set-ImUserAttribute: 10,000 users in, 9,990 done, 10 failed (UserNotFound 10), 2 retries,
    /// 0 pace adjustments, 100 read calls, 3 write calls, 8.1 s, 1,233 users/s"; a -Replace sync adds "120 drifted" after
    /// the failures, and -Verify "9,990 verified (3 differed and were sent again)".
    /// </summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var failed = Failed == 0
            ? "0 failed"
            : string.Format(c, "{0:N0} failed ({1})", Failed, string.Join(", ", FailedByErrorId.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Format(c, "{0} {1:N0}", p.Key, p.Value))));
        var notSent = NotSent == 0 ? "" : string.Format(c, ", {0:N0} not sent (declined)", NotSent);
        var skipped = Skipped is { } k ? string.Format(c, ", {0:N0} skipped (done in the journal)", k) : "";
        var drifted = Drifted is { } d ? string.Format(c, ", {0:N0} drifted", d) : "";
        var verified = Verified is { } v ? string.Format(c, ", {0:N0} verified ({1:N0} differed and were sent again)", v, Mismatched ?? 0) : "";
        return string.Format(c, "{0}{1}: {2:N0} users in, {3:N0} done, {4}{5}{6}{7}, {8:N0} retries, {9:N0} pace adjustments, {10:N0} read calls, {11:N0} write calls, {12:0.0} s, {13:N0} users/s",
            Operation, Stopped ? " (stopped early)" : "", Users, Done, failed, notSent + skipped, drifted, verified, Retries, PaceAdjustments, ReadCalls, WriteCalls, Elapsed.TotalSeconds, UsersPerSecond);
    }
}
