data "azuread_group" "avd_users" {
  display_name     = var.avd_users_group_name
  security_enabled = true
}

# The finance users may open the desktop of the application group.
resource "azurerm_role_assignment" "users_desktop" {
  scope                = azurerm_virtual_desktop_application_group.desktop.id
  role_definition_name = "Desktop Virtualization User"
  principal_id         = data.azuread_group.avd_users.object_id
  principal_type       = "Group"
}

# Sign-in to the Entra joined session hosts: as members of the local Administrators group.
resource "azurerm_role_assignment" "users_login" {
  scope                = azurerm_resource_group.avd.id
  role_definition_name = "Virtual Machine Administrator Login"
  principal_id         = data.azuread_group.avd_users.object_id
  principal_type       = "Group"
}
