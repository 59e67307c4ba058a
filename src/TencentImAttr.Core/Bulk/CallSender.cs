using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Retry;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// The one retry loop: every call the module makes goes through <see cref="SendAsync{TItem,TResult,TRequest,TResponse}"/>.
/// An item has one attempt budget, 1 + MaxRetry HTTP attempts, whatever mix of failures it meets: failed calls
/// (timeouts, resets, 5xx, malformed answers, transient codes) and transient codes of its own in an ErrorList are
/// charged to the same budget. Two steps of the loop are free for the users they clear: a UserSig renewal after
/// 70001/70052 (once per call), and the narrowing of 90033 to the users whose attribute names are not registered
/// (once per call). Each attempt waits for the API's quota and gets a fresh <c>random</c>.
/// </summary>
/// <remarks>
/// The users left always travel together, so they have used the same attempts: the budget is counted once
/// for all of them, and a user leaves the loop as soon as it has an outcome.
/// </remarks>
internal sealed class CallSender
{
    private readonly ImConnection _connection;
    private readonly RetryPolicy _policy;
    private readonly ICallLog? _log;

    /// <summary>A sender over <paramref name="connection"/>; <paramref name="maxRetry"/> null takes the connection's.</summary>
    public CallSender(ImConnection connection, int? maxRetry, ICallLog? log)
    {
        _connection = connection;
        _policy = new RetryPolicy(maxRetry ?? connection.MaxRetry);
        _log = log;
    }

    /// <summary>One call about the app (no users): its answer, or its failure thrown.</summary>
    /// <exception cref="ImApiException">The call failed for good.</exception>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(ImOperation operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TRequest : class
        where TResponse : ApiEnvelope
    {
        var outcome = (await SendAsync(new AppCall<TRequest, TResponse>(operation, requestType, responseType), new[] { request }, cancellationToken).ConfigureAwait(false))[0];
        if (outcome.Failure is not null) throw (ImApiException)outcome.Failure.Exception;
        return outcome.Result!;
    }

    /// <summary>
    /// Sends a call's items until every item has an outcome; one outcome per item, in order. A failed call never throws.
    /// <paramref name="stopSending"/> ends the call before its next attempt (a stopped run): the attempt on the wire
    /// is let finish, and the items left come back as not sent (<see cref="ItemFailure.Unsent"/>).
    /// <paramref name="cancellationToken"/> (Ctrl+C) cancels everything, the attempt on the wire too.
    /// </summary>
    public async Task<ItemOutcome<TResult>[]> SendAsync<TItem, TResult, TRequest, TResponse>(BulkOperation<TItem, TResult, TRequest, TResponse> operation, IReadOnlyList<TItem> items,
        CancellationToken cancellationToken, CancellationToken stopSending = default)
        where TItem : class
        where TResult : class
        where TResponse : ApiEnvelope
    {
        using var stoppable = stopSending.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopSending) : null;
        var waits = stoppable?.Token ?? cancellationToken;
        bool Stopped(OperationCanceledException _) => stopSending.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        var apiName = ImApiRoutes.ApiName(_connection.Service, operation.Operation);
        var limiter = _connection.LimiterFor(apiName);
        var clock = _connection.Clock;
        var outcomes = new ItemOutcome<TResult>[items.Count];
        var call = new CallContext(apiName, _connection.RegisteredNames);
        var left = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (operation.WithoutCall(items[i], call) is { } done) outcomes[i] = done;
            else left.Add(i);
        }
        var attempts = 0; // HTTP attempts that carried the items left
        var charged = 0;  // of those, the ones charged to their budget
        var renewed = false;
        var narrowed = false;
        // Per item: the last attempt that carried it timed out or was cut after sending (it may have been applied).
        var uncertain = new bool[items.Count];
        // Per item: any attempt that carried it was of unknown outcome (a stale call may land later, success or not).
        var everUncertain = new bool[items.Count];
        // Whether the attempt on the wire began to write its request: before that, a Ctrl+C leaves its items not sent.
        var wire = new WireState();
        try
        {
            return await SendLeftAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or ImApiException)
        {
            // Ctrl+C: what became of each item goes with the cancellation, for the journal and the stop's accounting.
            foreach (var i in left) outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.Cancelled(operation.UserIdOf(items[i]), uncertain[i] || everUncertain[i] || wire.Writing));
            for (var i = 0; i < items.Count; i++)
            {
                if (everUncertain[i] || (wire.Writing && left.Contains(i))) outcomes[i] = outcomes[i].AfterUnknownAttempt();
            }
            throw CallCancelledException.Of(items, outcomes, cancellationToken);
        }

        async Task<ItemOutcome<TResult>[]> SendLeftAsync()
        {
            while (left.Count > 0)
            {
                var attempt = Subset(items, left);
                var what = operation.CarriesUsers ? $"{apiName}: {attempt.Count} user(s)" : apiName;
                var body = JsonSerializer.SerializeToUtf8Bytes(operation.Request(attempt), operation.RequestType);
                Timing.CallStart start;
                try
                {
                    start = await limiter.WaitAsync(waits).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (Stopped(e))
                {
                    Unsent(operation, items, left, uncertain, outcomes);
                    break;
                }
                attempts++;
                charged++;
                _log?.Counters.AddAttempt(operation.Operation);
                var started = clock.Elapsed;
                var userSig = _connection.UserSig.Current();
                TResponse response;
                try
                {
                    response = await _connection.Client.SendAsync(operation.Operation, userSig, body, operation.ResponseType, start.Sent, cancellationToken,
                        _log is { TracesWire: true } traced ? traced.Trace : null, wire.Began).ConfigureAwait(false);
                    wire.Writing = false;
                }
                catch (ImApiException e) when (!cancellationToken.IsCancellationRequested)
                {
                    wire.Writing = false;
                    if (ResponseClassifier.IsRateLimited(e)) RateLimited(limiter, apiName, e);
                    var unknown = ResponseClassifier.LeavesOutcomeUnknown(e);
                    foreach (var i in left)
                    {
                        uncertain[i] = unknown;
                        everUncertain[i] |= unknown;
                    }
                    var elapsed = $"{(clock.Elapsed - started).TotalMilliseconds:0} ms";
                    if (!renewed && ResponseClassifier.NeedsNewUserSig(e) && _connection.UserSig.TryRenew(userSig))
                    {
                        renewed = true;
                        charged--;
                        Log($"{what}, attempt {attempts}, {elapsed}, error {e.ErrorCode}: UserSig renewed, trying again");
                        continue;
                    }
                    if (!narrowed && ResponseClassifier.IsUnregisteredAttribute(e)
                        && await UnregisteredAsync(operation, e, items, left, cancellationToken).ConfigureAwait(false) is { } culprits)
                    {
                        narrowed = true;
                        charged--;
                        foreach (var pair in culprits) outcomes[pair.Key] = ItemOutcome<TResult>.Failed(pair.Value);
                        left = left.Where(i => !culprits.ContainsKey(i)).ToList();
                        Log($"{apiName}: error 90033 narrowed to {culprits.Count} user(s) with unregistered attribute names; sending the other {left.Count} again");
                        continue;
                    }
                    if (e.IsTransient && _policy.CanRetry(charged))
                    {
                        var delay = _policy.DelayAfter(e, charged);
                        Log($"{what}, attempt {attempts}, {elapsed}, {e.ErrorId}: retry {charged} of {_policy.MaxRetry} in {delay.TotalSeconds:0.0} s");
                        if (!await BackOffAsync(RetryText.Of(e), delay, Stopped, waits).ConfigureAwait(false))
                        {
                            Unsent(operation, items, left, uncertain, outcomes);
                            break;
                        }
                        continue;
                    }
                    Log($"{what}, attempt {attempts}, {elapsed}, failed: {e.ErrorId}");
                    var final = attempts > 1 ? e.AfterAttempts(attempts) : e;
                    foreach (var i in left) outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.FromApi(final, operation.UserIdOf(items[i]), uncertain[i]));
                    break;
                }
                foreach (var i in left) uncertain[i] = false;
                limiter.OnSucceeded();
                Log($"{what}, attempt {attempts}, {(clock.Elapsed - started).TotalMilliseconds:0} ms, OK" +
                    (response.ErrorList is { Count: > 0 } ? $" with {response.ErrorList.Count} user error(s)" : ""));
                left = Decide(operation, items, left, response, call, attempts, _policy.CanRetry(charged), outcomes, out var rateLimited);
                if (left.Count > 0)
                {
                    var delay = _policy.DelayBefore(charged, rateLimited);
                    Log($"{apiName}: {left.Count} user(s) failed with a transient error; sending them again in {delay.TotalSeconds:0.0} s");
                    var why = rateLimited ? $"{apiName}: {left.Count:N0} user(s) refused for the rate" : $"{apiName}: {left.Count:N0} user(s) failed with a transient error code";
                    if (!await BackOffAsync(why, delay, Stopped, waits).ConfigureAwait(false))
                    {
                        Unsent(operation, items, left, uncertain, outcomes);
                        break;
                    }
                }
            }
            for (var i = 0; i < items.Count; i++)
            {
                if (everUncertain[i]) outcomes[i] = outcomes[i].AfterUnknownAttempt();
            }
            return outcomes;
        }
    }

    /// <summary>The attempt on the wire: whether its request began to be written (set on the HTTP stack's thread).</summary>
    private sealed class WireState
    {
        private volatile bool _writing;

        public bool Writing
        {
            get => _writing;
            set => _writing = value;
        }

        public void Began() => _writing = true;
    }

    /// <summary>The service refused a call for the rate: the connection's pace for this API is lowered for every command sharing it.</summary>
    private void RateLimited(Timing.CallRateLimiter limiter, string apiName, ImApiException e)
    {
        _log?.Counters.AddRateLimited();
        if (limiter.OnRateLimited() is not { } cut) return;
        _log?.Counters.AddPaceAdjustment(cut.To);
        Log($"{apiName}: {e.ErrorId} (rate limited: other traffic shares the app's quota); pace lowered from {cut.From} to {cut.To} calls/s for every command of this connection, climbing back while calls succeed");
    }

    /// <summary>Waits before another attempt, counted as a retry and shown in the progress status meanwhile; false when the run stopped.</summary>
    private async Task<bool> BackOffAsync(string why, TimeSpan delay, Func<OperationCanceledException, bool> stopped, CancellationToken waits)
    {
        _log?.Counters.BeginBackoff(why, delay);
        try
        {
            return await PauseAsync(delay, stopped, waits).ConfigureAwait(false);
        }
        finally
        {
            _log?.Counters.EndBackoff();
        }
    }

    /// <summary>Waits before another attempt; false when the run stopped meanwhile.</summary>
    private async Task<bool> PauseAsync(TimeSpan delay, Func<OperationCanceledException, bool> stopped, CancellationToken waits)
    {
        try
        {
            await _connection.Clock.Delay(delay, waits).ConfigureAwait(false);
            return !waits.IsCancellationRequested;
        }
        catch (OperationCanceledException e) when (stopped(e))
        {
            return false;
        }
    }

    /// <summary>The run stopped: every item left is not sent (or, after an attempt cut after sending, of unknown outcome).</summary>
    private static void Unsent<TItem, TResult, TRequest, TResponse>(BulkOperation<TItem, TResult, TRequest, TResponse> operation, IReadOnlyList<TItem> items,
        List<int> left, bool[] uncertain, ItemOutcome<TResult>[] outcomes)
        where TItem : class
        where TResult : class
        where TResponse : ApiEnvelope
    {
        foreach (var i in left) outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.Unsent(operation.UserIdOf(items[i]), uncertain[i]));
    }

    /// <summary>
    /// Gives an outcome to every item left that an OK answer decides: the users its ErrorList names fail (or, with a
    /// transient code and budget left, are left for the next attempt); the others are mapped by the operation, all at once. Returns
    /// the items still left, and whether any of them was refused for a rate limit (which sets the backoff).
    /// </summary>
    private List<int> Decide<TItem, TResult, TRequest, TResponse>(BulkOperation<TItem, TResult, TRequest, TResponse> operation, IReadOnlyList<TItem> items,
        List<int> left, TResponse response, CallContext call, int attempts, bool canRetry, ItemOutcome<TResult>[] outcomes, out bool rateLimited)
        where TItem : class
        where TResult : class
        where TResponse : ApiEnvelope
    {
        var failed = new Dictionary<string, UserError>(StringComparer.Ordinal);
        foreach (var error in response.ErrorList ?? Enumerable.Empty<UserError>())
        {
            if (error?.To_Account is not null && !failed.ContainsKey(error.To_Account)) failed.Add(error.To_Account, error);
        }
        var again = new List<int>();
        var decided = new List<int>();
        rateLimited = false;
        foreach (var i in left)
        {
            var user = operation.UserIdOf(items[i]);
            if (!operation.CarriesUsers || !failed.TryGetValue(user, out var error))
            {
                decided.Add(i);
                continue;
            }
            // A user named with no code still failed: 90000 stands for "unknown" rather than a success.
            var code = error.ErrorCode == 0 ? 90000 : error.ErrorCode;
            if (ResponseClassifier.IsTransientCode(code) && canRetry)
            {
                rateLimited |= ResponseClassifier.IsRateLimitCode(code);
                again.Add(i);
                continue;
            }
            var failure = ImApiException.FromCode(call.ApiName, code, _connection.ScrubOrNull(error.ErrorInfo));
            failure.IsPerUser = true;
            outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.FromApi(attempts > 1 ? failure.AfterAttempts(attempts) : failure, user));
        }
        var mapped = operation.Outcomes(Subset(items, decided), response, call);
        if (mapped.Length != decided.Count) throw new InvalidOperationException($"{call.ApiName}: {mapped.Length} outcomes for {decided.Count} items.");
        for (var k = 0; k < decided.Count; k++) outcomes[decided[k]] = mapped[k];
        return again;
    }

    /// <summary>
    /// After a 90033, reads the app's registered names afresh and names the items left that carry others; null when
    /// that explains nothing (the operation carries no names, no item is at fault, or the names cannot be read), so the call's error stands.
    /// </summary>
    private async Task<Dictionary<int, ItemFailure>?> UnregisteredAsync<TItem, TResult, TRequest, TResponse>(BulkOperation<TItem, TResult, TRequest, TResponse> operation,
        ImApiException error, IReadOnlyList<TItem> items, List<int> left, CancellationToken cancellationToken)
        where TItem : class
        where TResult : class
        where TResponse : ApiEnvelope
    {
        if (operation.AttributeNamesOf(items[left[0]]) is null) return null;
        HashSet<string> known;
        try
        {
            var names = await CallAsync(ImOperation.GetAttributeNames, new EmptyRequest(), ImJsonContext.Default.EmptyRequest,
                ImJsonContext.Default.GetAttributeNamesResponse, cancellationToken).ConfigureAwait(false);
            known = new HashSet<string>((names.AttrNames?.Values ?? Enumerable.Empty<string>()).Where(n => !string.IsNullOrEmpty(n)), StringComparer.Ordinal);
        }
        catch (ImApiException)
        {
            return null;
        }
        if (known.Count == 0) return null;
        var culprits = new Dictionary<int, ItemFailure>();
        foreach (var i in left)
        {
            var unknown = operation.AttributeNamesOf(items[i])!.Where(n => !known.Contains(n)).ToList();
            if (unknown.Count == 0) continue;
            var user = operation.UserIdOf(items[i]);
            var exception = new ImApiException(error.ApiName, ImFailureKind.Api, error.ErrorCode, error.ErrorInfo, 200,
                $"{error.ApiName} failed with error {error.ErrorCode} for user '{user}': the attribute name(s) {string.Join(", ", unknown.Select(n => "'" + n + "'"))} are not registered for the app. Get-ImAppAttributeName lists the registered names; Set-ImAppAttributeName registers names.");
            culprits.Add(i, ItemFailure.FromApi(exception, user));
        }
        return culprits.Count == 0 ? null : culprits;
    }

    private void Log(string line) => _log?.Write(line);

    /// <summary>
    /// The items at <paramref name="indices"/>, in that order: the batch itself when they are all of it, in order, as on
    /// nearly every call (no copy of 100 references per attempt and per answer; issue 18).
    /// </summary>
    private static IReadOnlyList<TItem> Subset<TItem>(IReadOnlyList<TItem> items, List<int> indices)
    {
        var whole = indices.Count == items.Count;
        for (var k = 0; whole && k < indices.Count; k++) whole = indices[k] == k;
        if (whole) return items;
        var subset = new List<TItem>(indices.Count);
        foreach (var i in indices) subset.Add(items[i]);
        return subset;
    }

    /// <summary>A call about the app rather than users: the request is the one item, the answer its result.</summary>
    private sealed class AppCall<TRequest, TResponse> : BulkOperation<TRequest, TResponse, TRequest, TResponse>
        where TRequest : class
        where TResponse : ApiEnvelope
    {
        public AppCall(ImOperation operation, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType)
        {
            Operation = operation;
            RequestType = requestType;
            ResponseType = responseType;
        }

        public override ImOperation Operation { get; }
        public override JsonTypeInfo<TRequest> RequestType { get; }
        public override JsonTypeInfo<TResponse> ResponseType { get; }
        public override bool CarriesUsers => false;
        public override string UserIdOf(TRequest item) => "";
        public override TRequest Merge(TRequest earlier, TRequest later) => later;
        public override TRequest Request(IReadOnlyList<TRequest> items) => items[0];
        public override ItemOutcome<TResponse>[] Outcomes(IReadOnlyList<TRequest> items, TResponse response, CallContext call) =>
            items.Select(_ => ItemOutcome<TResponse>.Success(response)).ToArray();
    }
}
