# The README's quick start, run by `build.ps1 -Task Try` (without a console) against the emulator, and by a Pester
# test. It expects a connection (Connect-ImApp) to the emulator or to a test app.
Set-ImAppAttributeName -Name city, tier -Force            # names must be registered before users carry them
Set-ImUserAttribute -UserId alice, bob -Attribute @{ city = 'Shenzhen'; tier = 'gold' }
Get-ImUserAttribute alice, bob, carol
Remove-ImUserAttribute alice -Name city -Force
Get-ImUserAttribute alice
