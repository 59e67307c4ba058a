using System.Collections.Generic;
using System.Text.Json.Serialization.Metadata;
using TencentImAttr.Core.Api;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// The description of one bulk operation, and nothing else: its route, its item type, how a batch of items becomes
/// the wire request, how a batch's answer becomes outcomes, and how repeats of a user merge. Sending, retrying,
/// UserSig renewal, ErrorList handling and ordering belong to <see cref="CallSender"/> and <see cref="BatchEngine{TItem,TResult}"/>.
/// </summary>
/// <typeparam name="TItem">A checked input item for one user.</typeparam>
/// <typeparam name="TResult">What a user that succeeded yields.</typeparam>
/// <typeparam name="TRequest">The wire request of one call.</typeparam>
/// <typeparam name="TResponse">The wire answer of one call.</typeparam>
internal abstract class BulkOperation<TItem, TResult, TRequest, TResponse>
    where TItem : class
    where TResult : class
    where TResponse : ApiEnvelope
{
    /// <summary>The API called (the connection's family decides its path).</summary>
    public abstract ImOperation Operation { get; }

    /// <summary>The request's serializer.</summary>
    public abstract JsonTypeInfo<TRequest> RequestType { get; }

    /// <summary>The answer's serializer.</summary>
    public abstract JsonTypeInfo<TResponse> ResponseType { get; }

    /// <summary>Whether the items are users (false for a call about the app, such as reading its attribute names).</summary>
    public virtual bool CarriesUsers => true;

    /// <summary>The user an item is for: the key for merging repeats, matching an ErrorList and ordering calls.</summary>
    public abstract string UserIdOf(TItem item);

    /// <summary>Folds a later item for the same user into the earlier one, so the user is sent once per call.</summary>
    public abstract TItem Merge(TItem earlier, TItem later);

    /// <summary>The wire request for a batch of items (at most one per user).</summary>
    public abstract TRequest Request(IReadOnlyList<TItem> items);

    /// <summary>
    /// The outcomes of the items the answer did not name as failed, in their order: the whole batch at once, so an
    /// answer that lists users (get) is indexed once, here, and nothing is cached on the answer.
    /// </summary>
    public abstract ItemOutcome<TResult>[] Outcomes(IReadOnlyList<TItem> items, TResponse response, CallContext call);

    /// <summary>The outcome of an item that needs no call at all (Set: a row of empty cells), or null to send it.</summary>
    public virtual ItemOutcome<TResult>? WithoutCall(TItem item, CallContext call) => null;

    /// <summary>
    /// The parts an item is sent in, one call each, in order, when it carries more than one call may (an add of more
    /// tags than a call takes for one user); null when it fits in one call. See <see cref="PartedSend"/>.
    /// </summary>
    public virtual IReadOnlyList<TItem>? PartsOf(TItem item) => null;

    /// <summary>
    /// For an item sent in parts whose part number <paramref name="failedPart"/> (from 0) failed: what of it landed
    /// before, as a sentence for the failure's message (the tags added in the earlier calls, and, when
    /// <paramref name="failedMayHaveLanded"/>, those of the failed call as maybe added); null says nothing.
    /// </summary>
    public virtual string? PartsLanded(TItem whole, IReadOnlyList<TItem> parts, int failedPart, bool failedMayHaveLanded) => null;

    /// <summary>The result of an item sent in parts, once its last part succeeded (by default, the last part's).</summary>
    public virtual TResult Rejoined(TItem whole, TResult lastPart) => lastPart;

    /// <summary>
    /// The attribute names an item carries, for narrowing error 90033 (an unregistered name) to the users at fault;
    /// null when the operation carries no names.
    /// </summary>
    public virtual IEnumerable<string>? AttributeNamesOf(TItem item) => null;
}

/// <summary>What an operation may know of the call it maps: the API's name, and the app's names as last read.</summary>
internal sealed class CallContext
{
    /// <summary>Creates the context.</summary>
    public CallContext(string apiName, IReadOnlyList<string>? registeredNames)
    {
        ApiName = apiName;
        RegisteredNames = registeredNames;
    }

    /// <summary>The API's name in the connection's family, e.g. <c>im_get_attr</c>, for messages.</summary>
    public string ApiName { get; }

    /// <summary>The app's attribute names as last read or set through the connection (their case wins); null until then.</summary>
    public IReadOnlyList<string>? RegisteredNames { get; }
}
