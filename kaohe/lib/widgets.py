from django import forms

# An HTML date input only accepts ISO dates, whatever the interface language's date format.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
