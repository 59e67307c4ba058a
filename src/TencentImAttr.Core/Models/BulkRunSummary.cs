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

    /// <summary>
    /// A stopped run: users it held that were never sent, because the run stopped first (the stop error's "not sent"
    /// and its NotSent list; after a downstream Select-Object -First or Ctrl+C, the users read but not yet sent). 0 for a run
    /// that went to its end.
    /// </summary>
    public long StoppedBeforeSending { get; internal set; }

    /// <summary>
    /// A stopped run: users whose last attempt timed out or was cut after sending when the run stopped (Ctrl+C cancels
    /// the calls in flight: those whose request may have gone out), so that they may or may not have been applied
    /// (the stop error's OutcomeUnknown list). 0 for a run that went to its end.
    /// </summary>
    public long OutcomeUnknown { get; internal set; }

    /// <summary>
    /// Users done or failed after a write attempt of unknown outcome (a timeout, a connection cut after the request
    /// went out) that no read-back checked (the run had no -Verify): the service may still run that call late, over
    /// what the user holds now. The command warns when there are any; check them with -Verify.
    /// </summary>
    public long UnknownAttempts { get; internal set; }

    /// <summary>Whether a stopped run accounted for the users it held (a connection-level stop, -ErrorAction Stop, a downstream Select-Object -First), as its stop error does.</summary>
    internal bool HeldAccounted { get; set; }

    /// <summary>The run was a preview (-WhatIf): nothing was written, and declined users are those that would change.</summary>
    public bool WhatIf { get; internal set; }

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

    /// <summary>
    /// The terminating error of a run that stopped early on an error (-ErrorAction Stop, a broken connection), with
    /// the user ids it lists (Applied, Failed, OutcomeUnknown, NotSent); after Ctrl+C, the same accounting (id
    /// ImNotSent; the users of the cancelled calls in OutcomeUnknown or NotSent), which no error record could carry;
    /// null otherwise (a run to its end, Select-Object -First).
    /// </summary>
    public TencentImAttr.Core.Errors.ImRunStoppedException? StopError { get; internal set; }

    /// <summary>-Resume: the users skipped because the journal records them done, at the same position, with the same change; null when the run did not resume.</summary>
    public long? Skipped { get; internal set; }

    /// <summary>The command stopped before its end (an error with -ErrorAction Stop, Select-Object -First, Ctrl+C); after Ctrl+C alone, users in flight have no outcome.</summary>
    public bool Stopped { get; }

    /// <summary>
    /// The one line shown: "Set-ImUserAttribute: 10,000 users in, 9,990 done, 10 failed (UserNotFound 10), 2 retries,
    /// 0 pace adjustments, 100 read calls, 3 write calls, 8.1 s, 1,233 users/s"; a -Replace sync adds "120 drifted" after
    /// the failures, and -Verify "9,990 verified (3 differed and were sent again)". A stopped run adds its users of
    /// unknown outcome and those not sent, the same counts as its stop error; a run with unverified attempts of unknown
    /// outcome says how many; under -WhatIf the declined users are those that "would change".
    /// </summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var failed = Failed == 0
            ? "0 failed"
            : string.Format(c, "{0:N0} failed ({1})", Failed, string.Join(", ", FailedByErrorId.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Format(c, "{0} {1:N0}", p.Key, p.Value))));
        string outcomes;
        if (WhatIf)
        {
            // Nothing was written: the declined users are the run's preview, not users left undone.
            outcomes = string.Format(c, "{0:N0} would change{1}, {2}", NotSent, Done == 0 ? "" : string.Format(c, ", {0:N0} need no write", Done), failed);
        }
        else
        {
            var notSent = NotSent == 0 ? "" : string.Format(c, ", {0:N0} not sent (declined)", NotSent);
            var stoppedPart = HeldAccounted || OutcomeUnknown + StoppedBeforeSending > 0
                ? string.Format(c, ", {0:N0} outcome unknown, {1:N0} not sent (the command stopped first)", OutcomeUnknown, StoppedBeforeSending)
                : "";
            var drifted = Drifted is { } d ? string.Format(c, ", {0:N0} drifted", d) : "";
            var skipped = Skipped is { } k ? string.Format(c, ", {0:N0} skipped (done in the journal)", k) : "";
            outcomes = string.Format(c, "{0:N0} done, {1}{2}{3}{4}{5}", Done, failed, notSent, skipped, stoppedPart, drifted);
        }
        var verified = Verified is { } v ? string.Format(c, ", {0:N0} verified ({1:N0} differed and were sent again)", v, Mismatched ?? 0) : "";
        var unknown = UnknownAttempts == 0 ? "" : string.Format(c, ", {0:N0} had an attempt of unknown outcome (not verified: check them with -Verify)", UnknownAttempts);
        return string.Format(c, "{0}{1}: {2:N0} users in, {3}{4}{5}, {6:N0} retries, {7:N0} pace adjustments, {8:N0} read calls, {9:N0} write calls, {10:0.0} s, {11:N0} users/s",
            Operation, WhatIf ? " -WhatIf (nothing written)" : Stopped ? " (stopped early)" : "", Users, outcomes, verified, unknown, Retries, PaceAdjustments, ReadCalls, WriteCalls, Elapsed.TotalSeconds, UsersPerSecond);
    }
}
