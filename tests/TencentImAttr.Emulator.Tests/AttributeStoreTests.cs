namespace TencentImAttr.Emulator.Tests;

/// <summary>The state file: saved on shutdown, loaded at start.</summary>
public sealed class AttributeStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "emulator-store-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Save_and_load_round_trip_names_types_and_values()
    {
        var store = new AttributeStore();
        store.SetNames(new Dictionary<int, string> { [0] = "sex", [3] = "city" }, new Dictionary<int, int> { [3] = 1 });
        store.Set("alice", new Dictionary<string, string> { ["sex"] = "F", ["city"] = "深圳" });
        store.Set("bob", new Dictionary<string, string> { ["city"] = "Lyon" });
        var path = Path.Combine(_dir, "sub", "state.json");

        store.Save(path);
        var loaded = AttributeStore.Load(path);

        Assert.Equal(store.Names, loaded.Names);
        Assert.Equal(store.Get("alice"), loaded.Get("alice"));
        Assert.Equal(store.Get("bob"), loaded.Get("bob"));
        Assert.Equal(2, loaded.UserCount);
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Contains("\"AttrNames\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_the_last_value_forgets_the_user()
    {
        var store = new AttributeStore();
        store.SetNames(new Dictionary<int, string> { [0] = "sex" }, null);
        store.Set("alice", new Dictionary<string, string> { ["sex"] = "F" });

        store.Remove("alice", new[] { "sex", "never-set" });

        Assert.Equal(0, store.UserCount);
    }

    [Fact]
    public void Types_stay_with_their_name_and_go_when_the_slot_is_renamed()
    {
        var store = new AttributeStore();
        store.SetNames(new Dictionary<int, string> { [0] = "device" }, new Dictionary<int, int> { [0] = 1 });

        store.SetNames(new Dictionary<int, string> { [0] = "device" }, null);
        Assert.Equal(1, store.TypeOf("device"));

        store.SetNames(new Dictionary<int, string> { [0] = "os" }, null);
        Assert.Null(store.TypeOf("os"));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"AttrNames":{"12":"x"}}""")]
    public void A_broken_file_says_what_is_wrong(string text)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, text);

        var e = Assert.Throws<InvalidDataException>(() => AttributeStore.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_store_that_keeps_no_values_still_keeps_the_names()
    {
        var store = new AttributeStore { KeepsValues = false };
        store.SetNames(new Dictionary<int, string> { [0] = "tier" }, null);
        store.Set("u1", new Dictionary<string, string> { ["tier"] = "gold" });
        Assert.True(store.IsRegistered("tier"));
        Assert.Empty(store.Get("u1"));
        Assert.Equal(0, store.UserCount);
    }
}
