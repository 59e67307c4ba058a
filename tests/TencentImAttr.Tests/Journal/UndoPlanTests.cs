using System.Collections.Generic;
using TencentImAttr.Core.Journal;
using TencentImAttr.Models;
using Xunit;

namespace TencentImAttr.Tests.Journal;

/// <summary>The undo's one rule per attribute name, tag and tag set: holding the intended, restore; holding the prior, nothing; else a conflict.</summary>
public class UndoPlanTests
{
    private static RunJournalRecord Item(string outcome = "Done") => new("Item", 2) { UserId = "alice", Outcome = outcome, Call = 1, Positions = new long[] { 0 } };

    [Fact]
    public void SetRestoresWhatStillHoldsTheIntended_LeavesWhatHoldsThePrior_AndReportsTheRestAsConflicts()
    {
        var item = Item();
        item.Set = new Dictionary<string, string> { ["city"] = "Paris", ["tier"] = "gold", ["level"] = "9" };
        item.Prior = new Dictionary<string, string?> { ["city"] = "Rome", ["tier"] = null, ["level"] = "1" };
        var now = new Dictionary<string, string> { ["city"] = "Paris", ["level"] = "5" };
        var steps = UndoPlan.Attributes(item, now, overwrite: false);
        Assert.Equal(new[] { "Restore", "Unchanged", "Conflict" }, steps.ConvertAll(s => s.Action));
        Assert.Equal("Rome", steps[0].Prior);
        Assert.Equal("5", steps[2].Now);
        Assert.Equal("Overwrite", UndoPlan.Attributes(item, now, overwrite: true)[2].Action);
    }

    [Fact]
    public void ADoneReplaceUsesWhatTheSyncDid_AndOneOfUnknownOutcomeTreatsAnUncarriedNameAsMaybeRemoved()
    {
        var done = Item();
        done.Replace = new Dictionary<string, string> { ["city"] = "Paris" };
        done.Prior = new Dictionary<string, string?> { ["city"] = "Rome", ["tier"] = "gold", ["level"] = "3" };
        done.AppliedSet = new Dictionary<string, string> { ["city"] = "Paris" };
        done.AppliedRemove = new List<string> { "tier" };
        var steps = UndoPlan.Attributes(done, new Dictionary<string, string> { ["city"] = "Paris", ["level"] = "3" }, false);
        Assert.Equal(new[] { "city", "tier" }, steps.ConvertAll(s => s.Name));
        Assert.All(steps, s => Assert.Equal("Restore", s.Action));

        var unknown = Item("Unknown");
        unknown.Replace = done.Replace;
        unknown.Prior = done.Prior;
        unknown.RemoveUnlisted = true;
        var maybe = UndoPlan.Attributes(unknown, new Dictionary<string, string> { ["city"] = "Paris", ["level"] = "3" }, false);
        Assert.Equal("Restore", maybe.Find(s => s.Name == "city")!.Action);
        Assert.Equal("Restore", maybe.Find(s => s.Name == "tier")!.Action);
        Assert.Equal("Unchanged", maybe.Find(s => s.Name == "level")!.Action);
    }

    [Fact]
    public void AnUnknownReplaceWithoutRemoveUnlistedLeavesTheNamesItsRowDidNotCarry_AndUndoesTheNamesItRemoved()
    {
        // The row carried city (set) and tier (an empty cell: removed); sex it did not carry, so the sync left it alone,
        // and another admin's later removal of sex is not the run's to undo.
        var unknown = Item("Unknown");
        unknown.Replace = new Dictionary<string, string> { ["city"] = "Paris", ["tier"] = "" };
        unknown.Prior = new Dictionary<string, string?> { ["city"] = "Rome", ["tier"] = "gold", ["sex"] = "m" };
        var steps = UndoPlan.Attributes(unknown, new Dictionary<string, string> { ["city"] = "Paris" }, false);
        Assert.Equal(new[] { "city", "tier" }, steps.ConvertAll(s => s.Name));
        Assert.All(steps, s => Assert.Equal("Restore", s.Action));
        Assert.Null(steps.Find(s => s.Name == "tier")!.Intended);
    }

    [Fact]
    public void TagsArePerTagForAddAndRemove_AndAnExactSetForReplaceAndClear()
    {
        var add = Item();
        add.AddTags = new List<string> { "a", "b" };
        add.PriorTags = new List<string> { "a" };
        var steps = UndoPlan.Tags(add, new List<string> { "a", "b" }, false);
        var step = Assert.Single(steps); // "a" was held before: the add changed nothing there
        Assert.Equal(("b", "Restore"), (step.Name, step.Action));

        var clear = Item();
        clear.ClearTags = true;
        clear.PriorTags = new List<string> { "y", "x" };
        Assert.Equal("Restore", Assert.Single(UndoPlan.Tags(clear, new List<string>(), false)).Action);
        Assert.Equal("Conflict", Assert.Single(UndoPlan.Tags(clear, new List<string> { "z" }, false)).Action);
        Assert.Equal("Unchanged", Assert.Single(UndoPlan.Tags(clear, new List<string> { "x", "y" }, false)).Action);
    }

    [Fact]
    public void OnlyItemsThatMayHaveChangedSomethingAreUndone()
    {
        Assert.True(UndoPlan.MayHaveChanged(Item("Done")));
        Assert.True(UndoPlan.MayHaveChanged(Item("Unknown")));
        Assert.True(UndoPlan.MayHaveChanged(Item("Unrecorded")));
        Assert.True(UndoPlan.MayHaveChanged(Item("PartlyApplied")));
        Assert.False(UndoPlan.MayHaveChanged(Item("Failed")));
        Assert.False(UndoPlan.MayHaveChanged(Item("NotSent")));
        // An earlier attempt of unknown outcome (a timeout, then a refusal or a stop) may have landed: read back, decided.
        var failedAfterTimeout = Item("Failed");
        failedAfterTimeout.HadUnknownAttempt = true;
        Assert.True(UndoPlan.MayHaveChanged(failedAfterTimeout));
        var notSentAfterTimeout = Item("NotSent");
        notSentAfterTimeout.HadUnknownAttempt = true;
        Assert.True(UndoPlan.MayHaveChanged(notSentAfterTimeout));
        Assert.False(UndoPlan.MayHaveChanged(new RunJournalRecord("Declined", 3) { Outcome = "Declined" }));
    }
}
