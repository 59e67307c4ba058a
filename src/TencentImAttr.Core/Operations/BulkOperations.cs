using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>The bulk operations over a connection, ready for a <see cref="BatchEngine{TItem,TResult}"/>.</summary>
internal static class BulkOperations
{
    /// <summary>Set attributes; <paramref name="maxRetry"/> null takes the connection's; <paramref name="verify"/> reads each user back (-Verify).</summary>
    public static IBatchOperation<SetItem, UserAttributes> Set(ImConnection connection, int? maxRetry = null, VerifyOptions? verify = null) =>
        Verified(Batches.Of(new SetAttributesOperation(), connection, maxRetry), Get(connection, maxRetry), new SetReadBack(), ImOperation.GetAttributes, connection, verify);

    /// <summary>Get attributes.</summary>
    public static IBatchOperation<GetItem, UserAttributes> Get(ImConnection connection, int? maxRetry = null) => Batches.Of(new GetAttributesOperation(), connection, maxRetry);

    /// <summary>Remove attributes.</summary>
    public static IBatchOperation<RemoveItem, RemovedUserAttributes> Remove(ImConnection connection, int? maxRetry = null, VerifyOptions? verify = null) =>
        Verified(Batches.Of(new RemoveAttributesOperation(), connection, maxRetry), Get(connection, maxRetry), new RemoveReadBack(), ImOperation.GetAttributes, connection, verify);

    /// <summary>Add tags; <paramref name="replace"/> overwrites each user's tags (Push family only).</summary>
    /// <remarks>With <paramref name="replace"/>, a user that comes again after its call was sent is refused (<see cref="OnceInRun{TItem,TResult}"/>), as in the drift report.</remarks>
    public static IBatchOperation<TagItem, UserTags> AddTags(ImConnection connection, bool replace, int? maxRetry = null, VerifyOptions? verify = null)
    {
        var add = Verified(Batches.Of(new AddTagsOperation(connection.Service, replace), connection, maxRetry), GetTags(connection, maxRetry),
            new AddTagsReadBack(replace && connection.Service == ImService.Push), ImOperation.GetTags, connection, verify);
        return replace ? OnceInRun<TagItem, UserTags>.Of(add, TagCall) : add;
    }

    private const string TagCall = "call (of up to 100 users)";

    /// <summary>Get tags.</summary>
    public static IBatchOperation<GetItem, UserTags> GetTags(ImConnection connection, int? maxRetry = null) => Batches.Of(new GetTagsOperation(), connection, maxRetry);

    /// <summary>Remove named tags.</summary>
    public static IBatchOperation<TagItem, UserTags> RemoveTags(ImConnection connection, int? maxRetry = null, VerifyOptions? verify = null) =>
        Verified(Batches.Of(new RemoveTagsOperation(), connection, maxRetry), GetTags(connection, maxRetry), new RemoveTagsReadBack(), ImOperation.GetTags, connection, verify);

    /// <summary>Remove every tag of each user.</summary>
    public static IBatchOperation<GetItem, UserTags> ClearTags(ImConnection connection, int? maxRetry = null, VerifyOptions? verify = null) =>
        Verified(Batches.Of(new ClearTagsOperation(), connection, maxRetry), GetTags(connection, maxRetry), new ClearTagsReadBack(), ImOperation.GetTags, connection, verify);

    /// <summary>
    /// Set-ImUserAttribute -Replace: read, compare, write only what differs (<see cref="ReplaceAttributes"/>); run it
    /// with <see cref="EngineOptions.BatchSize"/> = <see cref="SyncCalls.UsersPerSync"/>. <paramref name="approve"/>
    /// is asked, with each write call's target and action, on the pipeline thread. <paramref name="verify"/> reads
    /// back the users written (100 a call), runs the sync once more for those that differ, and reads them again.
    /// </summary>
    /// <remarks>
    /// <paramref name="approveRemoval"/> (null: <paramref name="approve"/>) is asked before each remove call instead;
    /// <paramref name="names"/> is the command's one read of the app's names. A user that comes again after its sync
    /// batch was sent is refused (<see cref="OnceInRun{TItem,TResult}"/>).
    /// </remarks>
    public static IBatchOperation<SetItem, SyncResult<AttributeDrift>> ReplaceAttributes(ImConnection connection, int throttleLimit, System.Func<string, string, bool> approve, int? maxRetry = null,
        VerifyOptions? verify = null, System.Func<string, string, bool>? approveRemoval = null, RegisteredNameCheck? names = null)
    {
        var sync = new ReplaceAttributes(connection, maxRetry, throttleLimit, approve, approveRemoval, names);
        var run = verify is null
            ? (IBatchOperation<SetItem, SyncResult<AttributeDrift>>)sync
            : new VerifiedWrites<SetItem, SyncResult<AttributeDrift>, GetItem, UserAttributes>(sync, sync, new ReplaceReadBack(() => sync.RegisteredNames),
                ImApiRoutes.ApiName(connection.Service, ImOperation.GetAttributes), connection.ScrubOrNull, connection.Clock, verify);
        return OnceInRun<SetItem, SyncResult<AttributeDrift>>.Of(run, "sync batch (of up to 10,000 users)");
    }

    /// <summary>Add-ImUserTag -Replace, read first (<see cref="ReplaceTags"/>): the drift report of -WhatIf.</summary>
    public static IBatchOperation<TagItem, SyncResult<TagDrift>> ReplaceTags(ImConnection connection, int throttleLimit, System.Func<string, string, bool> approve, int? maxRetry = null) =>
        OnceInRun<TagItem, SyncResult<TagDrift>>.Of(new ReplaceTags(connection, maxRetry, throttleLimit, approve), TagCall);

    /// <summary>The write as it is, or, with <paramref name="verify"/>, read back through <paramref name="read"/> and checked by <paramref name="check"/>.</summary>
    private static IBatchOperation<TItem, TResult> Verified<TItem, TResult, TReadItem, TState>(IBatchOperation<TItem, TResult> write, IBatchOperation<TReadItem, TState> read,
        IReadBackCheck<TItem, TReadItem, TState> check, ImOperation readOperation, ImConnection connection, VerifyOptions? verify)
        where TItem : class
        where TResult : class
        where TReadItem : class
        where TState : class =>
        verify is null
            ? write
            : new VerifiedWrites<TItem, TResult, TReadItem, TState>(write, read, check, ImApiRoutes.ApiName(connection.Service, readOperation), connection.ScrubOrNull, connection.Clock, verify);
}
