using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using Xunit;

namespace TencentImAttr.Tests.Bulk;

/// <summary>When a batch is ready, and how a repeat takes its place: the engine's gathering on its own.</summary>
public class BatchGathererTests
{
    private sealed record Item(string User, string Text);

    /// <summary>Merges a repeat by joining the texts, so the test sees what merged into what.</summary>
    private sealed class JoiningOperation : IBatchOperation<Item, string>
    {
        public string UserIdOf(Item item) => item.User;
        public Item Merge(Item earlier, Item later) => earlier with { Text = earlier.Text + "+" + later.Text };

        public Task<ItemOutcome<string>[]> ExecuteAsync(IReadOnlyList<Item> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default) =>
            throw new NotSupportedException("Gathering sends nothing.");
    }

    private static BatchGatherer<Item, string> Gatherer(int batchSize) => new(batchSize, new RepeatMerger<Item, string>(new JoiningOperation()));

    private static bool Add(BatchGatherer<Item, string> gatherer, string user, string text = "x") => gatherer.Add(new Item(user, text), user);

    private static ItemFailure Rejected(string user) => new(new ArgumentException("bad"), ErrorIds.UserIdEmpty, ImErrorCategory.InvalidArgument, user);

    [Fact]
    public void A_batch_is_ready_at_its_size_in_distinct_users()
    {
        var gatherer = Gatherer(3);
        Assert.False(Add(gatherer, "a"));
        Assert.False(Add(gatherer, "b"));
        Assert.True(Add(gatherer, "c"));
        var batch = gatherer.Take();
        Assert.Equal(new[] { "a", "b", "c" }, batch.Items().ConvertAll(i => i.User));
        Assert.Empty(gatherer.Batch.Places);
    }

    [Fact]
    public void A_repeat_merges_into_its_users_place_and_keeps_a_place_that_points_there()
    {
        var gatherer = Gatherer(3);
        Add(gatherer, "a", "1");
        Add(gatherer, "b", "2");
        Assert.False(Add(gatherer, "a", "3"));
        var batch = gatherer.Take();
        Assert.Equal(3, batch.Places.Count);
        Assert.Equal(new[] { "1+3", "2" }, batch.Items().ConvertAll(i => i.Text));
        Assert.Null(batch.Places[2].Item);
        Assert.Equal(0, batch.Places[2].OutcomeIndex(2));
        Assert.Equal(1, batch.Places[1].OutcomeIndex(1));
    }

    [Fact]
    public void Rejected_items_and_repeats_make_a_batch_ready_at_four_batches_of_places()
    {
        var gatherer = Gatherer(2);
        Add(gatherer, "a");
        for (var i = 0; i < 6; i++) Assert.False(gatherer.AddRejected(Rejected("bad" + i)));
        Assert.True(Add(gatherer, "a"));
        Assert.Equal(8, gatherer.Take().Places.Count);

        for (var i = 0; i < 7; i++) Assert.False(gatherer.AddRejected(Rejected("bad" + i)));
        Assert.True(gatherer.AddRejected(Rejected("bad7")));
    }

    [Fact]
    public void A_new_user_is_asked_only_about_distinct_users_even_past_four_batches_of_places()
    {
        var gatherer = Gatherer(2);
        for (var i = 0; i < 7; i++) Assert.False(gatherer.AddRejected(Rejected("bad" + i)));
        Assert.False(Add(gatherer, "a"));
        Assert.True(Add(gatherer, "b"));
        Assert.Equal(9, gatherer.Take().Places.Count);
    }
}
