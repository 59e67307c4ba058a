using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Sets attributes of users (im_set_attr), 100 users per call, as fast as the quota allows. Attributes not named
/// stay as they are.
/// </summary>
[Cmdlet(VerbsCommon.Set, "ImUserAttribute", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UserAttributes))]
public sealed class SetImUserAttributeCommand : ImBulkCmdlet<SetItem, UserAttributes>
{
    private const string ByUserId = "ByUserId";
    private const string ByInputObject = "ByInputObject";

    #region Parameters

    /// <summary>The users to set the same attributes on. Each user is checked on its own: a bad id is reported and the others still go.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByUserId)]
    [Alias("To_Account", "Account")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    public string?[] UserId { get; set; } = null!;

    /// <summary>
    /// The attributes to set, as a table of name = value (@{ city = 'Shenzhen'; tier = 'gold' }). Values are sent as
    /// strings: numbers, booleans and dates are converted in the invariant culture. With pipeline input, these are
    /// added to (and win over) the attributes each object carries.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByUserId)]
    [Parameter(ParameterSetName = ByInputObject)]
    [Alias("Attributes", "Attrs")]
    [ArgumentCompleter(typeof(AttributeNameCompleter))]
    public IDictionary? Attribute { get; set; }

    /// <summary>
    /// An object from the pipeline: the output of Get-ImUserAttribute (UserId and an Attributes table), a row of
    /// Import-Csv (a UserId, To_Account or Account column and one column per attribute; empty cells are skipped), a
    /// hashtable with the same keys, or a plain user id together with -Attribute.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObject)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>Writes a UserAttributes object (the user and the attributes set) for each user that succeeded.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    #endregion

    /// <inheritdoc />
    protected override bool WritesResults => PassThru;

    /// <inheritdoc />
    protected override IBatchOperation<SetItem, UserAttributes> CreateOperation(ImConnection connection, int? maxRetry) =>
        new SetAttributesOperation(connection, maxRetry);

    /// <summary>Checks each user (or input object) and queues it.</summary>
    protected override void ProcessRecord()
    {
        var service = ActiveConnection.Service;
        if (ParameterSetName == ByUserId)
        {
            foreach (var user in UserId ?? new string?[] { null })
            {
                Submit(InputReader.ForSet(user, Attribute, service, Unwrap));
            }
            return;
        }
        var value = Unwrap(InputObject);
        var properties = value is null or string or IDictionary
            ? null
            : InputObject!.Properties.Where(p => p.IsGettable).Select(p => new KeyValuePair<string, object?>(p.Name, SafeValue(p))).ToList();
        Submit(InputReader.ForSetFromObject(value, properties, Attribute, service, Unwrap));
    }

    private void Submit(Checked<SetItem> item)
    {
        if (item.Failure is not null)
        {
            Reject(item.Failure);
        }
        else if (ShouldProcess(item.Item!.UserId, "Set attributes " + string.Join(", ", item.Item.Attributes.Keys)))
        {
            Enqueue(item.Item);
        }
    }

    private static object? SafeValue(PSPropertyInfo property)
    {
        try
        {
            return property.Value;
        }
        catch (GetValueException)
        {
            return null;
        }
    }
}
