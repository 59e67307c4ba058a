using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>The bulk operations over a connection, ready for a <see cref="BatchEngine{TItem,TResult}"/>.</summary>
internal static class BulkOperations
{
    /// <summary>Set attributes; <paramref name="maxRetry"/> null takes the connection's.</summary>
    public static IBatchOperation<SetItem, UserAttributes> Set(ImConnection connection, int? maxRetry = null) => Batches.Of(new SetAttributesOperation(), connection, maxRetry);

    /// <summary>Get attributes.</summary>
    public static IBatchOperation<GetItem, UserAttributes> Get(ImConnection connection, int? maxRetry = null) => Batches.Of(new GetAttributesOperation(), connection, maxRetry);

    /// <summary>Remove attributes.</summary>
    public static IBatchOperation<RemoveItem, RemovedUserAttributes> Remove(ImConnection connection, int? maxRetry = null) => Batches.Of(new RemoveAttributesOperation(), connection, maxRetry);

    /// <summary>Add tags; <paramref name="replace"/> overwrites each user's tags (Push family only).</summary>
    public static IBatchOperation<TagItem, UserTags> AddTags(ImConnection connection, bool replace, int? maxRetry = null) => Batches.Of(new AddTagsOperation(connection.Service, replace), connection, maxRetry);

    /// <summary>Get tags.</summary>
    public static IBatchOperation<GetItem, UserTags> GetTags(ImConnection connection, int? maxRetry = null) => Batches.Of(new GetTagsOperation(), connection, maxRetry);

    /// <summary>Remove named tags.</summary>
    public static IBatchOperation<TagItem, UserTags> RemoveTags(ImConnection connection, int? maxRetry = null) => Batches.Of(new RemoveTagsOperation(), connection, maxRetry);

    /// <summary>Remove every tag of each user.</summary>
    public static IBatchOperation<GetItem, UserTags> ClearTags(ImConnection connection, int? maxRetry = null) => Batches.Of(new ClearTagsOperation(), connection, maxRetry);

    /// <summary>
    /// Set-ImUserAttribute -Replace: read, compare, write only what differs (<see cref="ReplaceAttributes"/>); run it
    /// with <see cref="EngineOptions.BatchSize"/> = <see cref="SyncCalls.UsersPerSync"/>. <paramref name="approve"/>
    /// is asked, with each write call's target and action, on the pipeline thread.
    /// </summary>
    public static IBatchOperation<SetItem, SyncResult<AttributeDrift>> ReplaceAttributes(ImConnection connection, int throttleLimit, System.Func<string, string, bool> approve, int? maxRetry = null) =>
        new ReplaceAttributes(connection, maxRetry, throttleLimit, approve);

    /// <summary>Add-ImUserTag -Replace, read first (<see cref="ReplaceTags"/>): the drift report of -WhatIf.</summary>
    public static IBatchOperation<TagItem, SyncResult<TagDrift>> ReplaceTags(ImConnection connection, int throttleLimit, System.Func<string, string, bool> approve, int? maxRetry = null) =>
        new ReplaceTags(connection, maxRetry, throttleLimit, approve);
}
